package dev.cadre.benchmarks;

import dev.cadre.api.RunEvent;
import dev.cadre.api.Task;
import dev.cadre.api.Usage;
import dev.cadre.orchestrator.journal.JournalStore;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The hand-written loop's journal for {@code handwritten-journaled}: the events Cadre journals for the same workflow
 * (run and step starts and ends, each model request and response, each tool call and result), appended to the same
 * default store ({@link BenchStore} {@code file}: the local segment store, process durability) — the floor for any
 * engine that journals. No fold, no events published, no redaction: only the journaling.
 */
final class HandJournal implements AutoCloseable {

    private final BenchStore store;
    private final AtomicLong ids = new AtomicLong();

    HandJournal() {
        this(new BenchStore("file"));
    }

    /** Appends to {@code store} (the default store of either durability). */
    HandJournal(BenchStore store) {
        this.store = store;
    }

    /** A run's journal; the steps of a parallel workflow append from several threads. */
    final class Run {
        private final String id;
        private final JournalStore.Appender appender;
        private long seq;

        private Run(String id, JournalStore.Appender appender) {
            this.id = id;
            this.appender = appender;
        }

        private synchronized void append(Factory factory) {
            appender.append(factory.create(id, ++seq, Instant.now()));
        }

        void stepStarted(String step, String agent, String task) {
            append((r, s, t) -> new RunEvent.StepStarted(r, step, s, t, agent, "agent", task));
        }

        void model(String step, String agent, List<ChatMessage> sent, ChatResponse response, int turn) {
            List<RunEvent.PromptMessage> prompt = new ArrayList<>(sent.size());
            for (ChatMessage m : sent) {
                prompt.add(new RunEvent.PromptMessage(m.type().name().toLowerCase(java.util.Locale.ROOT), text(m)));
            }
            append((r, s, t) -> new RunEvent.ModelRequested(r, step, s, t, agent, "bench:m", turn, prompt, List.of()));
            AiMessage ai = response.aiMessage();
            List<RunEvent.ToolCall> calls = ai.hasToolExecutionRequests()
                    ? ai.toolExecutionRequests().stream().map(c -> new RunEvent.ToolCall(c.id(), c.name(), c.arguments())).toList()
                    : List.of();
            append((r, s, t) -> new RunEvent.ModelResponded(r, step, s, t, agent, "bench:m", turn, ai.text(), calls,
                    String.valueOf(response.finishReason()), Usage.ZERO, false));
        }

        void tool(String step, String agent, ToolExecutionRequest call, String result, int turn) {
            append((r, s, t) -> new RunEvent.ToolCalled(r, step, s, t, agent, turn, call.id(), call.name(), call.arguments()));
            append((r, s, t) -> new RunEvent.ToolReturned(r, step, s, t, agent, turn, call.id(), call.name(), result, false, false));
        }

        void stepFinished(String step, String output) {
            append((r, s, t) -> new RunEvent.StepFinished(r, step, s, t, output, Usage.ZERO, null));
        }

        void finished(String output) {
            append((r, s, t) -> new RunEvent.RunFinished(r, "", s, t, output, Usage.ZERO));
            appender.close();
        }
    }

    private interface Factory {
        RunEvent create(String runId, long seq, Instant at);
    }

    Run start(String crew, Task task) {
        String id = "hand-" + ids.incrementAndGet();
        Run run = new Run(id, store.open(id));
        run.append((r, s, t) -> new RunEvent.RunStarted(r, "", s, t, crew, task));
        return run;
    }

    /** How many runs the store holds (the smoke test's check that the journal is written). */
    int runs() {
        return store.runIds().size();
    }

    /** The events of {@code runId}, as read back from the store. */
    List<RunEvent> events(String runId) {
        return store.read(runId).events();
    }

    void reset() {
        store.reset();
    }

    @Override
    public void close() {
        store.close();
    }

    private static String text(ChatMessage m) {
        if (m instanceof SystemMessage s) {
            return s.text();
        }
        if (m instanceof UserMessage u) {
            return u.singleText();
        }
        if (m instanceof ToolExecutionResultMessage t) {
            return t.text();
        }
        return m instanceof AiMessage a ? a.text() : String.valueOf(m);
    }
}
