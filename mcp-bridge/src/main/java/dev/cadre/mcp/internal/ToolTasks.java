package dev.cadre.mcp.internal;

import io.modelcontextprotocol.spec.McpSchema;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * Tool calls running as MCP tasks (2025-11-25 experimental tasks and the 2026-07-28 tasks extension): each task follows
 * one {@link Work} (a crew run, or a conformance fixture) from {@code working}, through {@code input_required} while it
 * waits for answers, to {@code completed}, {@code failed} or {@code cancelled}. The table is bounded: at most
 * {@link #MAX_TASKS} tasks; a finished task's result stays retrievable for {@link #RETENTION} after it finished, then it
 * is dropped; when the table is full the oldest finished task goes first, and with none finished a new task is refused.
 */
public final class ToolTasks {

    /** How long a finished task's result stays retrievable. */
    public static final Duration RETENTION = Duration.ofHours(1);

    /** The most tasks held at once, running or finished. */
    public static final int MAX_TASKS = 256;

    /** The polling interval suggested to clients. */
    public static final long POLL_INTERVAL_MS = 1_000;

    /** A task's status, as both protocol versions spell it. */
    public enum Status {
        WORKING("working"), INPUT_REQUIRED("input_required"), COMPLETED("completed"), FAILED("failed"), CANCELLED("cancelled");

        private final String wire;

        Status(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }

        public boolean terminal() {
            return this == COMPLETED || this == FAILED || this == CANCELLED;
        }
    }

    /** A question a task waits on: an elicitation form ({@code message}, {@code requestedSchema}). */
    public record Question(String message, Map<String, Object> requestedSchema, Map<String, Object> meta) {}

    /** A JSON-RPC error a task failed with. */
    public record Failure(int code, String message) {}

    /** What a task runs. */
    public interface Work {
        /** The tool result; an {@code McpError} or {@code McpException} (a protocol error) makes the task {@code failed}. */
        Mono<McpSchema.CallToolResult> result();

        /** The questions the work waits on now, by a key unique over the task's life. */
        default Map<String, Question> questions() {
            return Map.of();
        }

        /**
         * Answers the question {@code key} ({@code action} accept, decline or cancel, as an elicitation result);
         * a key not waiting is ignored. {@code by} names who answered.
         */
        default void answer(String key, String action, Map<String, Object> content, String by) {
        }

        /** Stops the work (the result is no longer wanted). */
        default void cancel() {
        }
    }

    /** One task as it is now. */
    public record Snapshot(String taskId, Status status, String statusMessage, Instant createdAt, Instant lastUpdatedAt, long ttlMs,
                           McpSchema.CallToolResult result, Failure failure, Map<String, Question> questions) {}

    private final Clock clock;
    private final int maxTasks;
    private final Duration retention;
    private final Consumer<Snapshot> changed;
    private final Map<String, Entry> tasks = new LinkedHashMap<>();

    /** {@code changed} hears of every status change (for {@code notifications/tasks/status}); it must not block. */
    public ToolTasks(Clock clock, int maxTasks, Duration retention, Consumer<Snapshot> changed) {
        this.clock = clock;
        this.maxTasks = maxTasks;
        this.retention = retention;
        this.changed = changed;
    }

    public ToolTasks() {
        this(Clock.systemUTC(), MAX_TASKS, RETENTION, s -> { });
    }

    /**
     * Starts {@code work} as a new task, and returns it as created ({@code working}, as tasks begin, even when the work
     * already moved on); refused (an {@link IllegalStateException}) when the table is full of running tasks.
     */
    public Snapshot start(Work work) {
        Entry entry;
        synchronized (this) {
            purge();
            if (tasks.size() >= maxTasks) {
                String oldest = tasks.entrySet().stream().filter(e -> e.getValue().status.terminal()).map(Map.Entry::getKey)
                        .findFirst().orElseThrow(() -> new IllegalStateException("This server runs " + maxTasks
                                + " tasks already, the most it holds: wait for one to finish, or cancel one with tasks/cancel."));
                tasks.remove(oldest);
            }
            Instant now = clock.instant();
            entry = new Entry(UUID.randomUUID().toString(), work, now);
            tasks.put(entry.id, entry);
        }
        // subscribed outside the lock: a result that is already there completes the task at once
        Disposable running = work.result().subscribe(result -> finish(entry, Status.COMPLETED, result, null),
                error -> finish(entry, Status.FAILED, null, failure(error)));
        synchronized (this) {
            entry.running = running;
        }
        Snapshot now = snapshot(entry);
        return new Snapshot(now.taskId(), Status.WORKING, "Started.", now.createdAt(), now.createdAt(), now.ttlMs(), null, null, Map.of());
    }

    /** The task {@code taskId}, unless unknown or expired. */
    public Optional<Snapshot> get(String taskId) {
        Entry entry;
        synchronized (this) {
            purge();
            entry = tasks.get(taskId);
        }
        return Optional.ofNullable(entry).map(this::snapshot);
    }

    /** Every task held, oldest first. */
    public List<Snapshot> all() {
        List<Entry> entries;
        synchronized (this) {
            purge();
            entries = new ArrayList<>(tasks.values());
        }
        return entries.stream().map(this::snapshot).toList();
    }

    /** Cancels the task (a terminal one stays as it is); empty when unknown. */
    public Optional<Snapshot> cancel(String taskId) {
        Optional<Snapshot> now = get(taskId);
        if (now.isEmpty() || now.get().status().terminal()) {
            return now;
        }
        Entry entry;
        synchronized (this) {
            entry = tasks.get(taskId);
        }
        if (entry != null && finish(entry, Status.CANCELLED, null, null)) {
            Disposable running;
            synchronized (this) {
                running = entry.running;
            }
            if (running != null) {
                running.dispose();
            }
            entry.work.cancel();
        }
        return get(taskId);
    }

    /** Delivers answers to the task's questions; false when the task is unknown. */
    public boolean answer(String taskId, Map<String, Answer> answers, String by) {
        Entry entry;
        synchronized (this) {
            purge();
            entry = tasks.get(taskId);
        }
        if (entry == null) {
            return false;
        }
        Map<String, Question> waiting = entry.work.questions();
        answers.forEach((key, answer) -> {
            if (waiting.containsKey(key)) {
                entry.work.answer(key, answer.action(), answer.content(), by);
            }
        });
        return true;
    }

    /** An elicitation result given for a question. */
    public record Answer(String action, Map<String, Object> content) {}

    private boolean finish(Entry entry, Status status, McpSchema.CallToolResult result, Failure failure) {
        synchronized (this) {
            if (entry.status.terminal()) {
                return false;
            }
            entry.status = status;
            entry.result = result;
            entry.failure = failure;
            entry.finished = clock.instant();
        }
        changed.accept(snapshot(entry));
        return true;
    }

    private static Failure failure(Throwable error) {
        if (error instanceof io.modelcontextprotocol.spec.McpError e && e.getJsonRpcError() != null) {
            return new Failure(e.getJsonRpcError().code(), e.getJsonRpcError().message());
        }
        if (error instanceof io.modelcontextprotocol.modern.McpException e && e.error() != null) {
            return new Failure(e.error().code(), e.error().message());
        }
        return new Failure(-32603, error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage());
    }

    private Snapshot snapshot(Entry entry) {
        synchronized (this) {
            Status status = entry.status;
            Map<String, Question> questions = status.terminal() ? Map.of() : entry.work.questions();
            if (!status.terminal()) {
                status = questions.isEmpty() ? Status.WORKING : Status.INPUT_REQUIRED;
                if (status != entry.seen) {
                    entry.seen = status;
                    entry.updated = clock.instant();
                }
            }
            Instant updated = entry.finished != null ? entry.finished : entry.updated;
            Instant until = (entry.finished != null ? entry.finished : clock.instant()).plus(retention);
            long ttl = Math.max(1, Duration.between(entry.created, until).toMillis());
            String message = switch (status) {
                case WORKING -> "Running.";
                case INPUT_REQUIRED -> "Waiting for an answer: " + questions.values().iterator().next().message();
                case COMPLETED -> entry.result != null && Boolean.TRUE.equals(entry.result.isError()) ? "Finished with an error." : "Finished.";
                case FAILED -> entry.failure.message();
                case CANCELLED -> "Cancelled.";
            };
            return new Snapshot(entry.id, status, message, entry.created, updated, ttl, entry.result, entry.failure, questions);
        }
    }

    /** Drops finished tasks kept longer than the retention. */
    private void purge() {
        Instant cutoff = clock.instant().minus(retention);
        tasks.values().removeIf(e -> e.finished != null && e.finished.isBefore(cutoff));
    }

    private static final class Entry {
        final String id;
        final Work work;
        final Instant created;
        Instant updated;
        Instant finished;
        Status status = Status.WORKING;
        Status seen = Status.WORKING;
        McpSchema.CallToolResult result;
        Failure failure;
        Disposable running;

        Entry(String id, Work work, Instant created) {
            this.id = id;
            this.work = work;
            this.created = created;
            this.updated = created;
        }
    }
}
