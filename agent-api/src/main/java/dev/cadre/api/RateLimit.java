package dev.cadre.api;

/**
 * A provider's limit on one model, shared by every agent and run in the process: at most {@code requestsPerMinute}
 * calls in any 60 seconds and about {@code tokensPerMinute} tokens (reserved from an estimate of the request, then
 * trued up from the usage the provider reports). {@code 0} leaves that side unlimited.
 *
 * @param requestsPerMinute calls to the model in any 60 seconds; 0 for no limit
 * @param tokensPerMinute   input and output tokens in any 60 seconds; 0 for no limit
 */
public record RateLimit(int requestsPerMinute, long tokensPerMinute) {

    /** The largest {@code requestsPerMinute} accepted (no provider grants more to one key). */
    public static final int MAX_REQUESTS_PER_MINUTE = 10_000_000;

    public RateLimit {
        if (requestsPerMinute < 0 || tokensPerMinute < 0) {
            throw new IllegalArgumentException("A rate limit cannot be negative: requests per minute " + requestsPerMinute
                    + ", tokens per minute " + tokensPerMinute + ".");
        }
        if (requestsPerMinute == 0 && tokensPerMinute == 0) {
            throw new IllegalArgumentException("A rate limit needs requests per minute, tokens per minute or both above 0.");
        }
        if (requestsPerMinute > MAX_REQUESTS_PER_MINUTE) {
            throw new IllegalArgumentException("A rate limit of " + requestsPerMinute + " requests per minute is above the largest"
                    + " accepted, " + MAX_REQUESTS_PER_MINUTE + ".");
        }
    }

    /** At most {@code requests} calls and about {@code tokens} tokens a minute (0 for no limit on that side). */
    public static RateLimit perMinute(int requests, long tokens) {
        return new RateLimit(requests, tokens);
    }

    /** The stricter of this limit and {@code other} on each side. */
    public RateLimit stricter(RateLimit other) {
        return new RateLimit(min(requestsPerMinute, other.requestsPerMinute), minLong(tokensPerMinute, other.tokensPerMinute));
    }

    private static int min(int a, int b) {
        return a == 0 ? b : b == 0 ? a : Math.min(a, b);
    }

    private static long minLong(long a, long b) {
        return a == 0 ? b : b == 0 ? a : Math.min(a, b);
    }
}
