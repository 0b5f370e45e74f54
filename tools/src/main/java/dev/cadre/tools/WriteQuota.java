package dev.cadre.tools;

/**
 * How much one run may write through the workspace tools: bytes in all (every write counts its whole content) and
 * distinct files (created, replaced, edited or deleted). A write over either is refused with the limit in the error.
 *
 * @param maxBytes the bytes one run may write (default 64 MiB)
 * @param maxFiles the distinct files one run may write (default 1,000)
 */
public record WriteQuota(long maxBytes, int maxFiles) {

    public static final WriteQuota DEFAULT = new WriteQuota(64L * 1024 * 1024, 1000);

    public WriteQuota {
        if (maxBytes <= 0 || maxFiles <= 0) {
            throw new IllegalArgumentException("A write quota must allow some bytes and some files; got " + maxBytes
                    + " bytes and " + maxFiles + " files.");
        }
    }
}
