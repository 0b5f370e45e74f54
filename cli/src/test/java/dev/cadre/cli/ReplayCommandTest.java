package dev.cadre.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.CadreJson;
import dev.cadre.api.RunEvent;
import dev.cadre.api.Task;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 13, finding 11: a journal's text is shown escaped by {@code cadre replay}, {@code runs show} and {@code runs list}. */
class ReplayCommandTest {

    @TempDir
    Path runs;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private PrintStream originalOut;

    @BeforeEach
    void capture() throws Exception {
        originalOut = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        List<String> lines = new ArrayList<>();
        lines.add(CadreJson.mapper().writeValueAsString(new RunEvent.RunStarted("run-1", "", 0, RunViewTest.AT, "coder",
                Task.builder("t").description("Task " + Hostile.PAYLOAD).build())));
        for (RunEvent event : RunViewTest.hostileRun("run-1")) {
            lines.add(CadreJson.mapper().writeValueAsString(event));
        }
        Files.write(runs.resolve("run-1.jsonl"), lines);
    }

    @AfterEach
    void restore() {
        System.setOut(originalOut);
    }

    private String printed(String... args) {
        out.reset();
        Main.run(args);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void replayAndRunsShowPrintAHostileJournalEscaped() {
        for (String shown : List.of(printed("replay", runs.resolve("run-1.jsonl").toString()),
                printed("runs", "show", "run-1", "--runs", runs.toString()))) {
            Hostile.assertShownEscaped(shown);
            assertThat(shown.lines()).as("7 events, then the status and the output").hasSize(10);
        }
    }

    @Test
    void replayAsJsonStaysJsonAndRunsListShowsTheTaskEscaped() {
        List<String> json = printed("replay", "--json", runs.resolve("run-1.jsonl").toString()).lines().toList();
        assertThat(json).hasSize(7).allSatisfy(Hostile::assertShownEscapedJson);

        String list = printed("runs", "list", "--runs", runs.toString());
        assertThat(list).contains("run-1", "Task before\\e[2J");
        assertThat(Hostile.RAW.matcher(list).find()).as(list).isFalse();
    }

    @Test
    void replayTakesARunIdAndRunsShowAndListSayStatusDateTokensAndCost() {
        String byId = printed("replay", "run-1", "--runs", runs.toString());
        assertThat(byId).isEqualTo(printed("replay", runs.resolve("run-1.jsonl").toString()));
        List<String> lines = byId.lines().toList();
        assertThat(lines.get(lines.size() - 3)).isEqualTo("Status:  succeeded");
        assertThat(lines.get(lines.size() - 2)).isEqualTo("Output:");
        assertThat(lines.get(lines.size() - 1)).startsWith("  output before");
        assertThat(byId).contains("(0 model calls, 0 tool calls, 0 tokens)");

        List<String> list = printed("runs", "list", "--runs", runs.toString()).lines().toList();
        assertThat(list.get(0)).startsWith("RUN").contains("STARTED (UTC)", "STATUS", "TOKENS", "COST", "TASK");
        assertThat(list.get(1)).startsWith("run-1").contains("2026-11-23 10:15", "succeeded", "0 tokens", "cost unknown");
        assertThat(EventPrinter.count(1, "model call")).isEqualTo("1 model call");
        assertThat(EventPrinter.cost(new java.math.BigDecimal("0.0123"), false)).isEqualTo("USD 0.0123");
    }
}
