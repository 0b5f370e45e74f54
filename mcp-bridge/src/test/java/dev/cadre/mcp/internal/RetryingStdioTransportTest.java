package dev.cadre.mcp.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpServerTransport;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/** Regression: under load the SDK's stdio transport gave up on a contended sink, and the failed send ended the session. */
class RetryingStdioTransportTest {

    /** A transport whose first {@code failures} sends fail as the SDK's do, with {@code reason}. */
    static final class Flaky implements McpServerTransport {
        final AtomicInteger attempts = new AtomicInteger();
        final int failures;
        final Sinks.EmitResult reason;

        Flaky(int failures, Sinks.EmitResult reason) {
            this.failures = failures;
            this.reason = reason;
        }

        @Override
        public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
            return Mono.defer(() -> attempts.incrementAndGet() <= failures
                    ? Mono.error(new RuntimeException("Failed to enqueue message", new Sinks.EmissionException(reason)))
                    : Mono.empty());
        }

        @Override
        public <T> T unmarshalFrom(Object data, TypeRef<T> type) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Mono<Void> closeGracefully() {
            return Mono.empty();
        }
    }

    private static final McpSchema.JSONRPCMessage PING = new McpSchema.JSONRPCRequest("2.0", "ping", 1, null);

    @Test
    void aSendTheSdkGaveUpOnUnderContentionIsTriedAgain() {
        Flaky flaky = new Flaky(3, Sinks.EmitResult.FAIL_NON_SERIALIZED);
        new RetryingStdioTransport.Retrying(flaky).sendMessage(PING).block(Duration.ofSeconds(10));
        assertThat(flaky.attempts).hasValue(4);
    }

    @Test
    void aSendToAClosedSessionIsNotTriedAgain() {
        Flaky flaky = new Flaky(1, Sinks.EmitResult.FAIL_TERMINATED);
        assertThatThrownBy(() -> new RetryingStdioTransport.Retrying(flaky).sendMessage(PING).block(Duration.ofSeconds(10)))
                .hasMessage("Failed to enqueue message");
        assertThat(flaky.attempts).hasValue(1);
    }
}
