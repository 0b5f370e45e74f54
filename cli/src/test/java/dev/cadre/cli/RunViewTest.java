package dev.cadre.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.api.CadreJson;
import dev.cadre.api.RunEvent;
import dev.cadre.api.RunResult;
import dev.cadre.api.RunStatus;
import dev.cadre.api.Usage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 13, finding 11: file contents and model output reach the terminal escaped in the live, plain and JSON views. */
class RunViewTest {

    static final Instant AT = Instant.parse("2026-11-23T10:15:30Z");

    /** A run in which the model, a tool (reading a hostile file), a step and the result all carry the payload. */
    static List<RunEvent> hostileRun(String run) {
        String p = Hostile.PAYLOAD;
        return List.of(
                new RunEvent.StepStarted(run, "fix/coder", 1, AT, "coder", "agent", "Fix it " + p),
                new RunEvent.ModelResponded(run, "fix/coder", 2, AT, "coder", "m", 1, "thinking " + p, List.of(), "STOP", Usage.ZERO, false),
                new RunEvent.ToolCalled(run, "fix/coder", 3, AT, "coder", 1, "call_1", "workspace_read", "{\"path\":\"" + p + "\"}"),
                new RunEvent.ToolReturned(run, "fix/coder", 4, AT, "coder", 1, "call_1", "workspace_read", "file: " + p, false, true),
                new RunEvent.StepFailed(run, "fix/coder", 5, AT, "failed with\n" + p, Usage.ZERO),
                new RunEvent.RunFinished(run, "", 6, AT, "output " + p, Usage.ZERO));
    }

    private static String show(RunView.Mode mode) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        RunView view = new RunView(new PrintStream(bytes, true, StandardCharsets.UTF_8), mode);
        hostileRun("run-1").forEach(view::show);
        view.summary(new RunResult("run-1", RunStatus.FAILED, "line one\n" + Hostile.PAYLOAD, Map.of(), Usage.ZERO,
                "reason " + Hostile.PAYLOAD, Duration.ZERO, Map.of()), "/runs/run-1.jsonl");
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theLiveAndPlainViewsAndTheSummaryShowHostileTextEscaped() {
        for (RunView.Mode mode : List.of(RunView.Mode.LIVE, RunView.Mode.PLAIN)) {
            String shown = show(mode);
            Hostile.assertShownEscaped(shown);
            assertThat(java.util.Arrays.stream(shown.split("\r\u001b\\[K|\n")).filter(l -> l.matches("\\s*\\d+  run finished: .*")))
                    .as("%s: the only 'run finished' line is Cadre's own", mode).singleElement().asString().startsWith("   6  run finished: output before");
        }
        assertThat(show(RunView.Mode.LIVE)).as("Cadre's own colours stay").contains("\u001b[2m▶ coder · fix/coder");
    }

    @Test
    void onATerminalStreamedTokensShowAsTheyArriveEscapedAndTheNextEventStartsANewLine() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        RunView view = new RunView(new PrintStream(bytes, true, StandardCharsets.UTF_8), RunView.Mode.LIVE);
        assertThat(view.live()).isTrue();
        view.show(new RunEvent.StepStarted("r", "fix/coder", 1, AT, "coder", "agent", "Fix it"));
        view.show(new RunEvent.TokenStreamed("r", "fix/coder", 2, AT, "coder", "Hello "));
        view.show(new RunEvent.TokenStreamed("r", "fix/coder", 3, AT, "coder", "world" + Hostile.PAYLOAD));
        view.show(new RunEvent.ModelResponded("r", "fix/coder", 4, AT, "coder", "m", 1, "Hello world", List.of(), "STOP", Usage.ZERO, false));
        String shown = bytes.toString(StandardCharsets.UTF_8);
        assertThat(shown).contains("\u001b[2mcoder ›\u001b[0m Hello world").contains(TerminalText.escape(Hostile.PAYLOAD) + "\n")
                .doesNotContain(Hostile.PAYLOAD);
        assertThat(new RunView(new PrintStream(new ByteArrayOutputStream()), RunView.Mode.PLAIN).live()).isFalse();
    }

    @Test
    void jsonModeStaysJsonLinesWithNothingATerminalActsOn() throws Exception {
        String shown = show(RunView.Mode.JSON);
        List<String> lines = shown.lines().toList();

        assertThat(lines).hasSize(6);
        for (int i = 0; i < lines.size(); i++) {
            Hostile.assertShownEscapedJson(lines.get(i));
            JsonNode read = CadreJson.mapper().readTree(lines.get(i));
            assertThat(CadreJson.mapper().treeToValue(read, RunEvent.class)).isEqualTo(hostileRun("run-1").get(i));
        }
    }
}
