package dev.cadre.cli.demo;

import dev.cadre.api.CadreJson;
import dev.cadre.testkit.Reply;
import dev.cadre.testkit.ScriptedModel;
import java.util.ArrayList;
import java.util.List;

/**
 * The replies of {@code cadre demo}'s scripted model for the coder-reviewer crew on the bundled project, written in
 * advance. Everything else in the demo is real: the tools read and edit the files, the tests run, checkpoints are
 * asked. Replies are keyed by step and turn, so the demo can also be resumed.
 */
public final class DemoScript {

    /** The task the demo gives the crew. */
    public static final String TASK = "The test testAverageKeepsFractions fails. Find the cause in src/ and fix it; keep the other tests passing.";

    private DemoScript() {}

    /** A JSON object of string keys and values, for tool-call arguments. */
    public static String json(Object... kv) {
        var node = CadreJson.mapper().createObjectNode();
        for (int i = 0; i < kv.length; i += 2) {
            node.put((String) kv[i], (String) kv[i + 1]);
        }
        return node.toString();
    }

    /** The coder's replies, in order. */
    public static List<Reply> coder() {
        String tests = json("command", DemoProject.TEST_COMMAND);
        return List.of(
                        Reply.toolCall("run_command", tests).withText("First, the failing test.").withUsage(412, 31),
                        Reply.toolCall("workspace_read", json("path", "src/Calculator.java")).withUsage(655, 24),
                        Reply.toolCall("workspace_edit", json("path", "src/Calculator.java", "old_text", "return sum / values.length;",
                                "new_text", "return (double) sum / values.length;"))
                                .withText("average divides two ints, so the fraction is lost before it becomes a double.").withUsage(1012, 58),
                        Reply.toolCall("run_command", tests).withUsage(1110, 22),
                        Reply.text("Fixed Calculator.average: it divided an int sum by an int count, so average(2, 3) was 2.0."
                                + " Casting the sum to double keeps the fraction. All 4 tests pass.").withUsage(1198, 47));
    }

    /** The reviewer's replies, in order: run the tests, read the diff, give the verdict. */
    public static List<Reply> reviewer() {
        return List.of(
                Reply.toolCall("run_command", json("command", DemoProject.TEST_COMMAND)).withUsage(530, 22),
                Reply.toolCall("git_diff", "{}").withUsage(618, 24),
                Reply.text("{\"verdict\":\"APPROVED\",\"feedback\":\"All 4 tests pass. The cast is the minimal correct fix;"
                        + " average() of nothing still returns 0.\"}").withUsage(1085, 41));
    }

    /** The writer's sign-off summary. */
    public static List<Reply> writer() {
        return List.of(Reply.text("Calculator.average now keeps fractions (average(2, 3) = 2.5): the int sum is cast to double.\n"
                + "The reviewer ran the tests: 4 passed, 0 failed.\n"
                + "One line changed in src/Calculator.java.").withUsage(402, 52));
    }

    /** Every reply of a run that converges in one iteration, in the order the crew asks for them. */
    public static List<Reply> inOrder() {
        List<Reply> all = new ArrayList<>(coder());
        all.addAll(reviewer());
        all.addAll(writer());
        return all;
    }

    public static ScriptedModel model() {
        return ScriptedModel.builder()
                .atStep("coder-reviewer/review-loop/iteration-1/code", coder().toArray(Reply[]::new))
                .atStep("coder-reviewer/review-loop/iteration-1/review", reviewer().toArray(Reply[]::new))
                .atStep("coder-reviewer/summary", writer().toArray(Reply[]::new))
                .build();
    }
}
