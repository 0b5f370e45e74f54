package dev.cadre.orchestrator.journal;

import dev.cadre.api.CadreState;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The secret that authenticates journal lines (HMAC-SHA256). By default it is {@code journal.key} in Cadre's state
 * directory ({@link CadreState#directory()}), created on first use with owner-only permissions; never in a
 * workspace. Embedded programs and tests can pass their own with {@link #of(byte[])}.
 */
public final class JournalKey {

    /** The key file's name inside the state directory. */
    public static final String FILE = "journal.key";
    static final String ALGORITHM = "HmacSHA256";
    private static final int LENGTH = 32;

    private final SecretKeySpec key;
    private final String origin;

    private JournalKey(byte[] bytes, String origin) {
        this.key = new SecretKeySpec(bytes, ALGORITHM);
        this.origin = origin;
    }

    /** A key from bytes (at least 32). */
    public static JournalKey of(byte[] bytes) {
        if (bytes.length < LENGTH) {
            throw new IllegalArgumentException("A journal key has " + bytes.length + " bytes: it needs at least " + LENGTH + ".");
        }
        return new JournalKey(bytes.clone(), "a key given in code");
    }

    /** A new random key (for tests and programs that keep their own). */
    public static JournalKey generate() {
        byte[] bytes = new byte[LENGTH];
        new SecureRandom().nextBytes(bytes);
        return new JournalKey(bytes, "a generated key");
    }

    /** The key of this user's state directory, created there on first use. */
    public static JournalKey fromStateDirectory() {
        return in(CadreState.directory());
    }

    /** The key in {@code stateDirectory}, created (atomically, readable by its owner only) when there is none. */
    public static JournalKey in(Path stateDirectory) {
        Path file = stateDirectory.resolve(FILE);
        try {
            if (!Files.exists(file)) {
                create(stateDirectory, file);
            }
            byte[] bytes = Files.readAllBytes(file);
            if (bytes.length < LENGTH) {
                throw new JournalException("The journal key " + file + " has " + bytes.length + " bytes, not " + LENGTH
                        + ": it was not written by Cadre; move it away and Cadre makes a new one (journals written with the old key then read as changed).");
            }
            return new JournalKey(bytes, "the journal key " + file);
        } catch (IOException e) {
            throw new JournalException("Cannot read or create the journal key " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes a new key to a temporary file, then links it into place: a concurrent creator's key wins, never half of one. */
    private static void create(Path directory, Path file) throws IOException {
        boolean posix = directory.getFileSystem().supportedFileAttributeViews().contains("posix");
        if (!Files.isDirectory(directory)) {
            if (posix) {
                Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } else {
                Files.createDirectories(directory);
            }
        }
        Path tmp = posix
                ? Files.createTempFile(directory, ".journal-key-", ".tmp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                : Files.createTempFile(directory, ".journal-key-", ".tmp");
        try {
            byte[] bytes = new byte[LENGTH];
            new SecureRandom().nextBytes(bytes);
            Files.write(tmp, bytes);
            try {
                Files.createLink(file, tmp);
            } catch (FileAlreadyExistsException e) {
                // another process made it first: use theirs
            } catch (UnsupportedOperationException | IOException e) {
                if (!Files.exists(file)) {
                    Files.move(tmp, file);
                }
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** A new MAC for this key (one per writer: a Mac is not thread-safe). */
    public Mac newMac() {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("This JVM has no " + ALGORITHM + ": " + e.getMessage(), e);
        }
    }

    /** Where the key came from, for messages. */
    public String origin() {
        return origin;
    }

    @Override
    public String toString() {
        return "JournalKey(" + origin + ")";
    }
}
