package dev.cadre.orchestrator.journal;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs' payloads as files in a runs directory, {@code <runs>/payloads/<runId>/<sha256>}: what the local stores
 * ({@link LocalJournalStore}, {@link RunFilesJournalStore}) keep beside their journals. A file is written to a temporary
 * name and moved into place, so a reader never sees half of one; a file whose content no longer has its name's hash is
 * refused.
 */
public final class PayloadFiles implements JournalStore.Payloads {

    private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");
    private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");

    private final Path directory;

    private PayloadFiles(Path runsDirectory) {
        this.directory = runsDirectory.resolve("payloads");
    }

    /** The payload files of runs directory {@code runsDirectory} (nothing is created until a payload is kept). */
    public static PayloadFiles in(Path runsDirectory) {
        return new PayloadFiles(runsDirectory);
    }

    @Override
    public String put(String runId, byte[] content) {
        JournalStore.Payloads.requireSize(runId, content);
        String hash = JournalStore.Payloads.sha256(content);
        Path file = file(runId, hash);
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(file.getParent());
                Path tmp = Files.createTempFile(file.getParent(), ".payload-", ".tmp");
                try {
                    Files.write(tmp, content);
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
                } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
                    if (!Files.exists(file)) {
                        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                    }
                } finally {
                    Files.deleteIfExists(tmp);
                }
            }
        } catch (IOException e) {
            throw new JournalException("Cannot keep a payload of run '" + runId + "' in " + directory + ": " + e.getMessage(), e);
        }
        return hash;
    }

    @Override
    public Optional<byte[]> get(String runId, String sha256) {
        Path file = file(runId, sha256);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new JournalException("Cannot read the payload " + file + " of run '" + runId + "': " + e.getMessage(), e);
        }
        if (!JournalStore.Payloads.sha256(bytes).equals(sha256)) {
            throw new JournalException("The payload " + file + " of run '" + runId + "' was changed since it was written.");
        }
        return Optional.of(bytes);
    }

    /**
     * Removes {@code runId}'s own directory, which holds only what that run refers to (the same content in another run
     * is that run's own file, and stays). A run id that cannot name a payload directory has none.
     */
    @Override
    public int remove(String runId) {
        if (!RUN_ID.matcher(runId).matches()) {
            return 0;
        }
        Path dir = directory.resolve(runId);
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return 0;
        }
        int removed = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && Files.deleteIfExists(file)) {
                    removed++;
                }
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            throw new JournalException("Cannot remove the payloads of run '" + runId + "' in " + dir + ": " + e.getMessage(), e);
        }
        return removed;
    }

    @Override
    public String location(String runId, String sha256) {
        return directory.resolve(runId).resolve(sha256).toString();
    }

    private Path file(String runId, String hash) {
        if (!RUN_ID.matcher(runId).matches() || !HASH.matcher(hash).matches()) {
            throw new IllegalArgumentException("Run id '" + runId + "' or payload '" + hash + "' cannot name a payload file.");
        }
        return directory.resolve(runId).resolve(hash);
    }
}
