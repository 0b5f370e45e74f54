package dev.cadre.temporal;

import static dev.cadre.orchestrator.conformance.Runs.agent;
import static dev.cadre.orchestrator.conformance.Runs.work;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.api.HumanGate;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.RiskLevel;
import dev.cadre.api.RunEvent;
import dev.cadre.api.RunResult;
import dev.cadre.api.RunStatus;
import dev.cadre.api.Tool;
import dev.cadre.api.ToolContext;
import dev.cadre.api.ToolResult;
import dev.cadre.api.crew.Crew;
import dev.cadre.orchestrator.conformance.CrewDriver;
import dev.cadre.orchestrator.conformance.Runs;
import dev.cadre.orchestrator.journal.JournalKey;
import dev.cadre.testkit.Reply;
import dev.cadre.testkit.ScriptedModel;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

/**
 * A writing tool whose activity dies after its effect was applied (the worker is lost before it reports) is retried by
 * Temporal; the retry asks the tool whether the effect is there, keyed by the call's identity, and the write happens once.
 */
class ExactlyOnceTest {

    @TempDir
    Path store;

    /** Thrown past the tool activity's own error handling, as a worker dying mid-call would leave it: no result reported. */
    static final class WorkerLost extends Error {
        WorkerLost() {
            super("the worker was lost mid-write");
        }
    }

    /** Writes files into a map; its first call dies right after writing. It can tell whether a call's write is there. */
    static final class FlakyWriter implements Tool {
        final Map<String, String> files = new ConcurrentHashMap<>();
        final AtomicInteger writes = new AtomicInteger();
        final Map<String, String> written = new ConcurrentHashMap<>();

        @Override
        public ToolSpecification specification() {
            return ToolSpecification.builder().name("write_file").description("Writes a file")
                    .parameters(JsonObjectSchema.builder().addStringProperty("path").addStringProperty("text").required("path", "text").build())
                    .build();
        }

        @Override
        public RiskLevel risk() {
            return RiskLevel.WRITES;
        }

        @Override
        public boolean idempotent() {
            return false;
        }

        private static String identity(ToolContext c) {
            return c.runId() + "|" + c.stepPath() + "|" + c.agent() + "|" + c.callId();
        }

        @Override
        public Mono<ToolResult> invoke(JsonNode arguments, ToolContext context) {
            return Mono.fromCallable(() -> {
                files.merge(arguments.get("path").asText(), arguments.get("text").asText(), String::concat);
                written.put(identity(context), arguments.get("path").asText());
                if (writes.incrementAndGet() == 1) {
                    throw new WorkerLost();
                }
                return ToolResult.ok("wrote " + arguments.get("path").asText());
            });
        }

        @Override
        public Mono<ToolResult> recoverInterruptedCall(JsonNode arguments, ToolContext context) {
            String path = written.get(identity(context));
            return path == null ? Mono.empty() : Mono.just(ToolResult.ok("wrote " + path));
        }
    }

    @Test
    void aWriteWhoseActivityDiedIsRecoveredOnTheRetryAndAppliedOnce() {
        FlakyWriter writer = new FlakyWriter();
        Crew crew = Crew.of("writer", work(agent("coder", writer), "code", "Write a.txt."));
        ScriptedModel model = ScriptedModel.builder().atStep("code", Reply.toolCall("write_file", "{\"path\":\"a.txt\",\"text\":\"hello\"}"),
                Reply.dynamic(r -> Reply.text("done: " + ScriptedModel.lastToolResult(r)))).build();
        try (TemporalCrewDriver driver = new TemporalCrewDriver(new CrewDriver.Setup(ModelRegistry.of("scripted:m", model),
                List.of(writer), HumanGate.autoApprove(), store), JournalKey.generate())) {
            RunResult result = Runs.result(driver.run(crew, Runs.TASK, Runs.id("once")));

            assertThat(result.status()).as(result.reason()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(result.output()).isEqualTo("done: wrote a.txt");
            assertThat(writer.files).containsExactly(Map.entry("a.txt", "hello"));
            assertThat(writer.writes).as("the retry recovered the write instead of writing again").hasValue(1);
            assertThat(driver.journal("once")).filteredOn(RunEvent.ToolReturned.class::isInstance).hasSize(1);
        }
    }
}
