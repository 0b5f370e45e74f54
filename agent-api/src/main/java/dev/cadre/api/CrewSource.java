package dev.cadre.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The definition a run's crew was loaded from, kept in its journal ({@link RunEvent.RunStarted#crewSource()}) so the
 * run resumes with the crew it started with, never with a file that happens to carry the crew's name.
 *
 * @param origin where the text came from (a file path, or {@code builtin:<name>.yaml}); its extension picks YAML or JSON
 * @param text   the crew file's text
 * @param sha256 the SHA-256 of {@code text} (UTF-8), lowercase hex
 */
public record CrewSource(String origin, String text, String sha256) {

    public CrewSource {
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(text, "text");
        sha256 = sha256 == null ? digest(text) : sha256;
    }

    /** The source {@code text} read from {@code origin}, with its digest. */
    public static CrewSource of(String origin, String text) {
        return new CrewSource(origin, text, digest(text));
    }

    /** Whether the text still has the recorded digest. */
    public boolean matchesDigest() {
        return sha256.equals(digest(text));
    }

    /** The SHA-256 of {@code text} (UTF-8), lowercase hex. */
    public static String digest(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("This JVM has no SHA-256.", e);
        }
    }
}
