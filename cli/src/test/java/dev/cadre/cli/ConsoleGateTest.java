package dev.cadre.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.Checkpoint;
import dev.cadre.api.Decision;
import dev.cadre.api.RiskLevel;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Issue 13, finding 11: on a terminal only an explicit key decides a checkpoint, and what it shows cannot act. */
class ConsoleGateTest {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private Decision answer(String typed, Checkpoint checkpoint) {
        ConsoleGate gate = new ConsoleGate(new BufferedReader(new StringReader(typed)), out, new RunView(out, RunView.Mode.PLAIN));
        return gate.decide(checkpoint).block(Duration.ofSeconds(30));
    }

    private static Checkpoint toolApproval(String question, String proposed) {
        return new Checkpoint("cp-1", "run-1", "fix/coder", Checkpoint.Kind.TOOL_APPROVAL, question, proposed,
                Instant.parse("2026-11-23T10:15:30Z"), null, null, "coder", RiskLevel.EXECUTES);
    }

    private String shown() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void anEmptyLineDoesNotApproveTheQuestionIsAskedAgainSayingWhichKeysWork() {
        Decision decision = answer("\n   \nb\n", toolApproval("Agent 'coder' wants to call run_command. Allow it?", "{\"command\":\"rm -rf /\"}"));

        assertThat(decision.kind()).isEqualTo(Decision.Kind.ABORT);
        assertThat(shown()).contains("Nothing was chosen: type a (approve), r (reject), e (edit) or b (abort), then Enter.");
        assertThat(shown().split("a\\[b\\]ort > ", -1)).as("asked three times").hasSize(4);
    }

    @Test
    void editingAToolApprovalEditsTheCallsArgumentsAsJsonAndIsLabelledSo() {
        Checkpoint approval = toolApproval("Agent 'coder' wants to call run_command (executes). Allow it?",
                "run_command {\"command\":\"rm -rf /\"}");
        Decision decision = answer("e\n{\"command\": \"mvn -q test\"}\n.\n", approval);

        assertThat(decision.kind()).isEqualTo(Decision.Kind.EDIT);
        assertThat(decision.editedOutput()).isEqualTo("{\"command\":\"mvn -q test\"}");
        assertThat(shown()).contains("[a]pprove  [r]eject with feedback  [e]dit the arguments  a[b]ort > ")
                .contains("the tool's new arguments as JSON (now: {\"command\":\"rm -rf /\"}), ended by a line with a single '.':");
        assertThat(EventPrinter.render(new dev.cadre.api.RunEvent.CheckpointResolved("run-1", "fix/coder", 9, Instant.EPOCH,
                "fix/coder#turn-1-call-1-approval", decision)))
                .isEqualTo("[fix/coder] checkpoint fix/coder#turn-1-call-1-approval decided: EDIT — the tool's arguments edited to"
                        + " {\"command\":\"mvn -q test\"}");
        assertThat(EventPrinter.render(new dev.cadre.api.RunEvent.CheckpointRequested("run-1", "fix/coder", 8, Instant.EPOCH, approval)))
                .startsWith("[fix/coder] waiting for approval at checkpoint cp-1: ");
    }

    @Test
    void anEditedToolCallThatIsNotAJsonObjectIsSaidAndAskedAgain() {
        Decision decision = answer("e\nmvn -q test\n.\ne\n[1]\n.\nb\n", toolApproval("Allow it?", "run_command {}"));

        assertThat(decision.kind()).as("the arguments stayed as they were until an explicit key").isEqualTo(Decision.Kind.ABORT);
        assertThat(shown()).contains("That is not JSON (").contains("That is not a JSON object; the arguments are unchanged.");
        assertThat(shown().split("a\\[b\\]ort > ", -1)).as("asked three times").hasSize(4);
    }

    @Test
    void anUnknownAnswerIsAskedAgainAndTheEndOfInputNeverApproves() {
        Decision unknown = answer("ok\nsure\n", toolApproval("Allow it?", null));
        assertThat(unknown.kind()).as("no explicit key before the input ended").isEqualTo(Decision.Kind.ABORT);
        assertThat(shown()).contains("'ok' is not an answer: type a (approve)", "'sure' is not an answer");

        assertThat(answer("", toolApproval("Allow it?", null)).kind()).isEqualTo(Decision.Kind.ABORT);
        assertThat(answer("\na\n", toolApproval("Allow it?", null)).kind()).as("an explicit key").isEqualTo(Decision.Kind.APPROVE);
    }

    @Test
    void theQuestionAndProposedOutputAreShownEscaped() {
        Decision decision = answer("r\nno\n", toolApproval("Allow " + Hostile.PAYLOAD + "?", "line 1\n" + Hostile.PAYLOAD + "\nline 3"));

        assertThat(decision.kind()).isEqualTo(Decision.Kind.REJECT);
        Hostile.assertShownEscaped(shown());
        assertThat(shown()).contains("  │ line 1\n  │ before\\e[2J", "  │ line 3");
    }
}
