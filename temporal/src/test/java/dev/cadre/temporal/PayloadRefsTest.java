package dev.cadre.temporal;

import static dev.cadre.orchestrator.conformance.Runs.agent;
import static dev.cadre.orchestrator.conformance.Runs.work;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.HumanGate;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.RiskLevel;
import dev.cadre.api.RunEvent;
import dev.cadre.api.RunResult;
import dev.cadre.api.RunStatus;
import dev.cadre.api.Tool;
import dev.cadre.api.ToolResult;
import dev.cadre.api.crew.Crew;
import dev.cadre.orchestrator.conformance.CrewDriver;
import dev.cadre.orchestrator.conformance.Runs;
import dev.cadre.orchestrator.journal.JournalKey;
import dev.cadre.temporal.internal.RunActivities;
import dev.cadre.testkit.Reply;
import dev.cadre.testkit.ScriptedModel;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.common.WorkflowExecutionHistory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * History stays small: chat requests and large tool results go by reference (the payload store beside the journals),
 * so no payload in the history nears Temporal's limits (2 MB a payload, warning at 256 KB; 50 MB and 51,200 events a
 * history), and the history grows with the turns, not with their square.
 */
class PayloadRefsTest {

    static final int FIVE_MB = 5 << 20;
    /** Temporal's warning level for one payload. */
    static final int WARN_BYTES = 256 << 10;

    @TempDir
    Path store;

    @Test
    void a_tool_returning_5_mb_reaches_the_model_whole_and_no_history_event_nears_the_payload_limit() throws Exception {
        String report = "x".repeat(FIVE_MB - 6) + "-end.-";
        ToolSpecification spec = ToolSpecification.builder().name("big_report").description("The whole report")
                .parameters(JsonObjectSchema.builder().addStringProperty("text").required("text").build()).build();
        Tool big = Tool.blocking(spec, RiskLevel.READ_ONLY, true, (args, context) -> ToolResult.ok(report));
        List<Integer> seen = new ArrayList<>();
        ScriptedModel model = ScriptedModel.builder().when(r -> true, Reply.dynamic(r -> {
            String last = ScriptedModel.lastToolResult(r);
            if (last.isEmpty()) {
                return Reply.toolCall("big_report", "{\"text\":\"all\"}");
            }
            seen.add(last.length());
            return Reply.text(last.equals(report) ? "read the whole report" : "the report was cut");
        })).build();
        Crew crew = Crew.of("big", work(agent("reader", big), "read", "Read the report: {task}"));
        try (TemporalCrewDriver driver = new TemporalCrewDriver(new CrewDriver.Setup(ModelRegistry.of("scripted:m", model),
                List.of(big), HumanGate.autoApprove(), store), JournalKey.generate())) {
            RunResult result = Runs.result(driver.run(crew, Runs.TASK, Runs.id("big")));

            assertThat(result.status()).as(result.reason()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(result.output()).isEqualTo("read the whole report");
            assertThat(seen).containsExactly(report.length());
            WorkflowExecutionHistory history = driver.environment().getWorkflowClient().fetchHistory("big");
            assertThat(largest(history)).as("the largest history event").isLessThan(WARN_BYTES);
            RunEvent.ToolReturned returned = driver.journal("big").stream().filter(RunEvent.ToolReturned.class::isInstance)
                    .map(RunEvent.ToolReturned.class::cast).findFirst().orElseThrow();
            assertThat(returned.toString()).contains("[cadre-payload sha256:").contains(report.length() + " chars]");
            try (Stream<Path> kept = Files.walk(store.resolve("runs/payloads/big"))) {
                assertThat(kept.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length())).contains((long) report.length());
            }
        }
    }

    @Test
    void a_loop_of_210_turns_keeps_every_history_event_small_and_the_history_linear() {
        int turns = 210;
        ScriptedModel model = LongRunTest.approvingAt(turns);
        Crew crew = LongRunTest.loop(turns);
        try (TemporalCrewDriver driver = new TemporalCrewDriver(new CrewDriver.Setup(ModelRegistry.of("scripted:m", model),
                List.of(), HumanGate.autoApprove(), store), JournalKey.generate(), b -> b.continueAsNewAfter(1_000_000))) {
            RunResult result = Runs.result(driver.run(crew, Runs.TASK, Runs.id("long")));

            assertThat(result.status()).as(result.reason()).isEqualTo(RunStatus.SUCCEEDED);
            WorkflowExecutionHistory history = driver.environment().getWorkflowClient().fetchHistory("long");
            long total = history.getEvents().stream().mapToLong(HistoryEvent::getSerializedSize).sum();
            System.err.printf("PayloadRefsTest: %d turns, %d history events, %d bytes, largest event %d bytes%n", turns,
                    history.getEvents().size(), total, largest(history));
            assertThat(largest(history)).as("the largest history event").isLessThan(16 << 10);
            assertThat(total).as("the history's bytes: linear in the turns").isLessThan(turns * 8L << 10);
            assertThat(history.getEvents().size()).as("below Temporal's warning (10,240 events)").isLessThan(10_240);
        }
    }

    @Test
    void a_journal_is_read_back_in_pages_of_bounded_size() {
        List<RunEvent> journal = new ArrayList<>();
        for (int i = 1; i <= 50; i++) {
            journal.add(new RunEvent.StepFinished("r", "s", i, java.time.Instant.EPOCH, "y".repeat(1000), dev.cadre.api.Usage.ZERO, null));
        }
        List<RunEvent> read = new ArrayList<>();
        int pages = 0;
        RunActivities.Page page;
        do {
            page = RunActivities.Page.of(journal, read.size() + 1, 10_000);
            read.addAll(page.events());
            pages++;
            assertThat(page.events()).hasSizeBetween(1, 10);
        } while (!page.last());
        assertThat(read).isEqualTo(journal);
        assertThat(pages).isGreaterThanOrEqualTo(5);
        assertThat(RunActivities.Page.of(journal, 1, 10).events()).as("at least one event a page").hasSize(1);
    }

    private static long largest(WorkflowExecutionHistory history) {
        return history.getEvents().stream().mapToLong(HistoryEvent::getSerializedSize).max().orElse(0);
    }
}
