package dev.cadre.mcp.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

class ToolTasksTest {

    /** A clock the test moves. */
    static final class Moving extends Clock {
        Instant now = Instant.parse("2026-12-01T10:00:00Z");

        @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }
    }

    final Moving clock = new Moving();
    final List<ToolTasks.Snapshot> changes = new CopyOnWriteArrayList<>();
    final ToolTasks tasks = new ToolTasks(clock, 2, Duration.ofMinutes(10), changes::add);

    static ToolTasks.Work pending(Sinks.One<McpSchema.CallToolResult> sink, AtomicBoolean cancelled) {
        return new ToolTasks.Work() {
            @Override public Mono<McpSchema.CallToolResult> result() { return sink.asMono(); }
            @Override public void cancel() { cancelled.set(true); }
        };
    }

    static McpSchema.CallToolResult text(String text, boolean error) {
        return McpSchema.CallToolResult.builder().addTextContent(text).isError(error).build();
    }

    @Test
    void aTaskFollowsItsWorkAndItsResultIsKeptForTheRetentionAfterItFinished() {
        Sinks.One<McpSchema.CallToolResult> sink = Sinks.one();
        ToolTasks.Snapshot created = tasks.start(pending(sink, new AtomicBoolean()));
        assertThat(created.status()).isEqualTo(ToolTasks.Status.WORKING);
        clock.now = clock.now.plus(Duration.ofMinutes(30));
        sink.tryEmitValue(text("done", true));
        ToolTasks.Snapshot done = tasks.get(created.taskId()).orElseThrow();
        assertThat(done.status()).as("a tool error is a completed task").isEqualTo(ToolTasks.Status.COMPLETED);
        assertThat(done.result().isError()).isTrue();
        assertThat(done.ttlMs()).as("created 30 min before it finished, kept 10 min after").isEqualTo(Duration.ofMinutes(40).toMillis());
        assertThat(changes).extracting(ToolTasks.Snapshot::status).containsExactly(ToolTasks.Status.COMPLETED);
        clock.now = clock.now.plus(Duration.ofMinutes(10));
        assertThat(tasks.get(created.taskId())).isPresent();
        clock.now = clock.now.plus(Duration.ofSeconds(1));
        assertThat(tasks.get(created.taskId())).as("dropped after the retention").isEmpty();
    }

    @Test
    void theTableIsBoundedTheOldestFinishedTaskGoesFirstAndWithNoneFinishedANewTaskIsRefused() {
        Sinks.One<McpSchema.CallToolResult> first = Sinks.one();
        String a = tasks.start(pending(first, new AtomicBoolean())).taskId();
        String b = tasks.start(pending(Sinks.one(), new AtomicBoolean())).taskId();
        assertThatThrownBy(() -> tasks.start(pending(Sinks.one(), new AtomicBoolean())))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("runs 2 tasks already");
        first.tryEmitValue(text("ok", false));
        String c = tasks.start(pending(Sinks.one(), new AtomicBoolean())).taskId();
        assertThat(tasks.all()).extracting(ToolTasks.Snapshot::taskId).containsExactly(b, c).doesNotContain(a);
    }

    @Test
    void cancelStopsTheWorkOnceAndATerminalTaskStaysAsItIs() {
        AtomicBoolean cancelled = new AtomicBoolean();
        Sinks.One<McpSchema.CallToolResult> sink = Sinks.one();
        String id = tasks.start(pending(sink, cancelled)).taskId();
        assertThat(tasks.cancel(id).orElseThrow().status()).isEqualTo(ToolTasks.Status.CANCELLED);
        assertThat(cancelled).isTrue();
        sink.tryEmitValue(text("late", false));
        assertThat(tasks.get(id).orElseThrow().status()).as("a result after the cancel changes nothing").isEqualTo(ToolTasks.Status.CANCELLED);
        assertThat(tasks.cancel("unknown")).isEmpty();
    }

    @Test
    void aProtocolErrorFailsTheTaskAndQuestionsMakeItInputRequiredUntilAnswered() {
        String failed = tasks.start(new ToolTasks.Work() {
            @Override public Mono<McpSchema.CallToolResult> result() {
                return Mono.error(new McpError(new McpSchema.JSONRPCResponse.JSONRPCError(-32603, "boom", null)));
            }
        }).taskId();
        assertThat(tasks.get(failed).orElseThrow().failure()).isEqualTo(new ToolTasks.Failure(-32603, "boom"));

        Sinks.One<McpSchema.CallToolResult> sink = Sinks.one();
        List<String> answered = new CopyOnWriteArrayList<>();
        String asking = tasks.start(new ToolTasks.Work() {
            @Override public Mono<McpSchema.CallToolResult> result() { return sink.asMono(); }
            @Override public Map<String, ToolTasks.Question> questions() {
                return answered.isEmpty() ? Map.of("q1", new ToolTasks.Question("Sure?", Map.of("type", "object"), Map.of())) : Map.of();
            }
            @Override public void answer(String key, String action, Map<String, Object> content, String by) {
                answered.add(key + ":" + action + ":" + by);
            }
        }).taskId();
        ToolTasks.Snapshot waiting = tasks.get(asking).orElseThrow();
        assertThat(waiting.status()).isEqualTo(ToolTasks.Status.INPUT_REQUIRED);
        assertThat(waiting.statusMessage()).contains("Sure?");
        assertThat(tasks.answer(asking, Map.of("q1", new ToolTasks.Answer("accept", Map.of()), "other",
                new ToolTasks.Answer("accept", Map.of())), "mcp:ide")).isTrue();
        assertThat(answered).as("a key not asked is ignored").containsExactly("q1:accept:mcp:ide");
        assertThat(tasks.get(asking).orElseThrow().status()).isEqualTo(ToolTasks.Status.WORKING);
        assertThat(tasks.answer("unknown", Map.of(), "x")).isFalse();
    }
}
