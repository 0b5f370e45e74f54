package dev.cadre.testkit;

/**
 * A fault {@link FaultInjectingModel} can inject into a model call: the provider failing on the way (the caller
 * should retry), or the model answering badly (the agent should recover on its next turn).
 */
public enum Fault {
    /** The request timed out: LangChain4j's {@code TimeoutException} around a JDK {@code HttpTimeoutException}. */
    TIMEOUT(true),
    /** HTTP 429: LangChain4j's {@code RateLimitException} around an {@code HttpException(429)} asking to try again later. */
    RATE_LIMITED(true),
    /** HTTP 500: LangChain4j's {@code InternalServerException} around an {@code HttpException(500)}. */
    SERVER_ERROR(true),
    /** The connection was reset before an answer: a {@code LangChain4jException} around a {@code SocketException}. */
    CONNECTION_RESET(true),
    /** The answer stream breaks off: part of the answer is streamed, then the connection is reset. */
    STREAM_CUT(true),
    /** The answer ends mid-way, reported as cut at the output limit (finish reason {@code LENGTH}). */
    TRUNCATED_ANSWER(false),
    /** A tool call whose arguments are not JSON (only when the request offers tools). */
    MALFORMED_TOOL_ARGUMENTS(false),
    /** A call to a tool the request did not offer (only when the request offers tools). */
    UNKNOWN_TOOL(false),
    /** An empty answer: no text and no tool calls. */
    EMPTY_ANSWER(false);

    private final boolean transientFailure;

    Fault(boolean transientFailure) {
        this.transientFailure = transientFailure;
    }

    /**
     * Whether the call fails with an exception a caller should retry (timeouts, 429, 5xx, resets, cut streams);
     * otherwise the call succeeds with a bad answer that the agent has to recover from.
     */
    public boolean isTransient() {
        return transientFailure;
    }

    /** Whether the fault can only be injected into requests that offer tools. */
    public boolean needsTools() {
        return this == MALFORMED_TOOL_ARGUMENTS || this == UNKNOWN_TOOL;
    }
}
