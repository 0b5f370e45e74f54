package dev.cadre.tools.internal;

import dev.cadre.tools.WorkspaceException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reading the workspace's text files: strict UTF-8, binary detection, and the checks every read and write makes. */
public final class TextFiles {

    private static final boolean UNIX = FileSystems.getDefault().supportedFileAttributeViews().contains("unix");

    private TextFiles() {}

    /** Refuses a path that is missing, not a regular file, or a hard link (one of several names of a file). */
    public static void requireFile(String rel, Path file) {
        if (!Files.exists(file)) {
            throw new WorkspaceException("File '" + rel + "' does not exist.");
        }
        if (!Files.isRegularFile(file)) {
            throw new WorkspaceException("'" + rel + "' is not a regular file.");
        }
        requireSingleLink(rel, file);
    }

    /** Refuses an existing regular file with more than one hard link: its other names may be outside the workspace. */
    public static void requireSingleLink(String rel, Path file) {
        int links = linkCount(file);
        if (links > 1) {
            throw new WorkspaceException("File '" + rel + "' has " + links + " hard links; a hard link can lead to a file"
                    + " outside the workspace, so workspace tools neither read nor write it.");
        }
    }

    /** The number of hard links of {@code file} (symbolic links followed); 1 where the file system does not say. */
    public static int linkCount(Path file) {
        if (!UNIX || !Files.isRegularFile(file)) {
            return 1;
        }
        try {
            return ((Number) Files.getAttribute(file, "unix:nlink")).intValue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return 1;
        }
    }

    public static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The file's text, refusing what is not UTF-8. */
    public static String readString(Path file) {
        String s = decodeOrNull(file);
        if (s == null) {
            throw new WorkspaceException("File '" + file.getFileName() + "' is not UTF-8 text.");
        }
        return s;
    }

    /** The file's text, or null when it is binary (a NUL in its first 8,000 bytes) or not UTF-8. */
    public static String decodeOrNull(Path file) {
        try {
            return decodeOrNull(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String decodeOrNull(byte[] bytes) {
        for (int i = 0; i < Math.min(bytes.length, 8000); i++) {
            if (bytes[i] == 0) {
                return null;
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
