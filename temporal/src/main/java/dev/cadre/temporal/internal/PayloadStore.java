package dev.cadre.temporal.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What is too large for Temporal's history, kept beside the journals instead and passed by reference: each model
 * call's chat request, and tool results over {@link #INLINE_LIMIT} characters. A payload is a file
 * {@code <runs>/payloads/<runId>/<sha256>} named by the hash of its content (so writing it twice is harmless, and a
 * changed file is refused). A large tool result becomes a placeholder, {@code [cadre-payload sha256:<hex> <n> chars]},
 * in the run's events and transcript; the model activity puts the content back before it calls the model, and only
 * from the same run's payloads.
 */
public final class PayloadStore {

    /** Tool results longer than this (in characters) are passed by reference. */
    public static final int INLINE_LIMIT = 64 * 1024;
    private static final Pattern PLACEHOLDER = Pattern.compile("\\[cadre-payload sha256:([0-9a-f]{64}) (\\d+) chars]");
    private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");

    private final Path directory;

    public PayloadStore(Path runsDirectory) {
        this.directory = runsDirectory.resolve("payloads");
    }

    /** Keeps {@code text} for {@code runId}; its reference ({@code sha256:<hex>}). */
    public String put(String runId, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        String hash = sha256(bytes);
        Path file = file(runId, hash);
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(file.getParent());
                Path tmp = Files.createTempFile(file.getParent(), ".payload-", ".tmp");
                try {
                    Files.write(tmp, bytes);
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
            throw new IllegalStateException("Cannot keep a payload of run '" + runId + "' in " + directory + ": " + e.getMessage(), e);
        }
        return "sha256:" + hash;
    }

    /** The text {@code ref} names for {@code runId}; a missing or changed payload is an error naming its file. */
    public String get(String runId, String ref) {
        if (!ref.startsWith("sha256:")) {
            throw new IllegalArgumentException("'" + ref + "' is not a payload reference.");
        }
        String hash = ref.substring("sha256:".length());
        Path file = file(runId, hash);
        try {
            byte[] bytes = Files.readAllBytes(file);
            if (!sha256(bytes).equals(hash)) {
                throw new IllegalStateException("The payload " + file + " of run '" + runId + "' was changed since it was written.");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read the payload " + file + " of run '" + runId + "' (every worker needs the"
                    + " same runs directory): " + e.getMessage(), e);
        }
    }

    /**
     * Removes the payloads of {@code runId} (its run was removed): its own directory, which holds only what that run
     * refers to, since a placeholder expands only from its own run's payloads (the same content in another run is that
     * run's own file, and stays). A run id that cannot name a payload directory has none. Returns how many files went.
     */
    public int remove(String runId) {
        if (!RUN_ID.matcher(runId).matches()) {
            return 0;
        }
        Path dir = directory.resolve(runId);
        if (!Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return 0;
        }
        int removed = 0;
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS) && Files.deleteIfExists(file)) {
                    removed++;
                }
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot remove the payloads of run '" + runId + "' in " + dir + ": " + e.getMessage(), e);
        }
        return removed;
    }

    /** {@code text} itself when it is small, else a placeholder for it, kept for {@code runId}. */
    public String shrink(String runId, String text) {
        if (text.length() <= INLINE_LIMIT) {
            return text;
        }
        return "[cadre-payload " + put(runId, text) + " " + text.length() + " chars]";
    }

    /** The content a placeholder stands for (from {@code runId}'s payloads), or {@code text} when it is none. */
    public String expand(String runId, String text) {
        if (text == null || !text.startsWith("[cadre-payload ")) {
            return text;
        }
        Matcher m = PLACEHOLDER.matcher(text);
        return m.matches() ? get(runId, "sha256:" + m.group(1)) : text;
    }

    private Path file(String runId, String hash) {
        if (!RUN_ID.matcher(runId).matches() || !hash.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("Run id '" + runId + "' or payload '" + hash + "' cannot name a payload file.");
        }
        return directory.resolve(runId).resolve(hash);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("This JVM has no SHA-256", e);
        }
    }
}
