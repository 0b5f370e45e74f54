package dev.cadre.http;

import java.time.Duration;
import java.util.Objects;

/**
 * How much request body a Cadre HTTP server takes, and how long it waits for it (see {@link BoundedBodies}).
 *
 * @param maxBytes         the largest body accepted; a bigger one gets 413
 * @param timeout          how long a client may take to send its whole body, from the end of its headers; a slower
 *                         one gets 408
 * @param maxBufferedBytes the bytes of all bodies being received at once; beyond it a body gets 503
 */
public record BodyLimits(int maxBytes, Duration timeout, long maxBufferedBytes) {

    /** The defaults for a body limit of {@code maxBytes}: 10 s to send it, 16 such bodies in flight at once. */
    public static BodyLimits of(int maxBytes) {
        return new BodyLimits(maxBytes, Duration.ofSeconds(10), 16L * maxBytes);
    }

    public BodyLimits {
        Objects.requireNonNull(timeout, "timeout");
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("The body limit must be positive, not " + maxBytes + " bytes.");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("The body timeout must be positive, not " + timeout + ".");
        }
        if (maxBufferedBytes < maxBytes) {
            throw new IllegalArgumentException("The bytes buffered at once (" + maxBufferedBytes
                    + ") must be at least the body limit (" + maxBytes + ").");
        }
    }

    public BodyLimits withTimeout(Duration timeout) {
        return new BodyLimits(maxBytes, timeout, maxBufferedBytes);
    }

    public BodyLimits withMaxBufferedBytes(long bytes) {
        return new BodyLimits(maxBytes, timeout, bytes);
    }
}
