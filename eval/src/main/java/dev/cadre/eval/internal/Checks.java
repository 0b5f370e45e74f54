package dev.cadre.eval.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.api.ToolContext;
import dev.cadre.api.ToolResult;
import dev.cadre.eval.Check;
import dev.cadre.eval.CheckResult;
import dev.cadre.tools.CommandRunner;
import dev.cadre.tools.StandardTools;
import dev.cadre.tools.Workspace;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Runs a case's checks on a finished run: its output, what it used, and its workspace compared with the original.
 * Commands run through the tools' {@link CommandRunner} (no shell, scrubbed environment, bounded, sandboxed where
 * bubblewrap is available).
 */
public final class Checks {

    /** What a check needs of a finished run. */
    public record Outcome(String output, long tokens, BigDecimal cost, long steps, long modelCalls, Path workspace,
                          Path originalWorkspace, String runId) {}

    private static final int SHOWN = 160;

    private final Map<String, String> environment;

    /** @param environment what commands see of the environment (scrubbed of secrets by the command runner) */
    public Checks(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    public List<CheckResult> run(List<Check> checks, Outcome outcome) {
        List<CheckResult> results = new ArrayList<>();
        Set<String> changed = null;
        for (Check check : checks) {
            if ((check instanceof Check.FilesChanged || check instanceof Check.FilesUnchanged) && changed == null) {
                changed = WorkspaceFiles.changed(outcome.originalWorkspace(), outcome.workspace());
            }
            try {
                results.add(run(check, outcome, changed));
            } catch (IllegalArgumentException e) {
                results.add(CheckResult.fail(check.kind(), e.getMessage()));
            }
        }
        return results;
    }

    private CheckResult run(Check check, Outcome outcome, Set<String> changed) {
        String kind = check.kind();
        if (check instanceof Check.Equals c) {
            String answer = Answers.answer(outcome.output(), c.field());
            boolean same = c.normalise() ? Answers.normalise(answer).equals(Answers.normalise(c.expected()))
                    : answer.strip().equals(c.expected().strip());
            return result(kind, same, "expected '" + shorten(c.expected()) + "'" + (c.normalise() ? " (normalised)" : "")
                    + ", got '" + shorten(answer) + "'");
        } else if (check instanceof Check.Matches c) {
            String answer = Answers.answer(outcome.output(), c.field());
            return result(kind, c.pattern().matcher(answer).find(), "/" + c.pattern().pattern() + "/ "
                    + (c.pattern().matcher(answer).find() ? "matches" : "does not match") + " '" + shorten(answer) + "'");
        } else if (check instanceof Check.JsonSchema c) {
            String answer = Answers.answer(outcome.output(), c.field());
            Optional<JsonNode> json = Answers.json(answer);
            if (json.isEmpty()) {
                return CheckResult.fail(kind, "the answer is not JSON: '" + shorten(answer) + "'");
            }
            List<String> problems = JsonSchemaCheck.problems(c.schema(), json.get());
            return result(kind, problems.isEmpty(), problems.isEmpty() ? "the answer matches the schema"
                    : "the answer does not match the schema: " + String.join("; ", problems));
        } else if (check instanceof Check.Numeric c) {
            String answer = Answers.answer(outcome.output(), c.field());
            Optional<BigDecimal> number = Answers.firstNumber(answer);
            if (number.isEmpty()) {
                return CheckResult.fail(kind, "expected " + c.expected().toPlainString() + ", but the answer has no number: '"
                        + shorten(answer) + "'");
            }
            boolean close = number.get().subtract(c.expected()).abs().compareTo(c.tolerance()) <= 0;
            return result(kind, close, "expected " + c.expected().toPlainString()
                    + (c.tolerance().signum() > 0 ? " ± " + c.tolerance().toPlainString() : "") + ", got " + number.get().toPlainString());
        } else if (check instanceof Check.CommandsPass c) {
            return commands(c, outcome);
        } else if (check instanceof Check.FilesChanged c) {
            List<String> untouched = c.globs().stream().filter(g -> matching(g, changed).isEmpty()).toList();
            return result(kind, untouched.isEmpty(), untouched.isEmpty() ? "changed: " + String.join(", ", changed)
                    : "no file matching " + String.join(", ", untouched) + " changed" + (changed.isEmpty() ? " (nothing changed)"
                    : " (changed: " + String.join(", ", changed) + ")"));
        } else if (check instanceof Check.FilesUnchanged c) {
            List<String> touched = new ArrayList<>();
            c.globs().forEach(g -> touched.addAll(matching(g, changed)));
            return result(kind, touched.isEmpty(), touched.isEmpty() ? "nothing matching " + String.join(", ", c.globs()) + " changed"
                    : "changed although it must not: " + String.join(", ", touched));
        } else if (check instanceof Check.Limits c) {
            return limits(c, outcome);
        }
        throw new IllegalStateException("unknown check " + kind);
    }

    private CheckResult commands(Check.CommandsPass check, Outcome outcome) {
        CommandRunner runner = new CommandRunner(Workspace.at(outcome.workspace()), check.commands(), StandardTools.COMMAND_TIMEOUT,
                StandardTools.COMMAND_OUTPUT_CHARS, environment);
        for (String command : check.commands()) {
            JsonNode arguments = dev.cadre.api.CadreJson.mapper().createObjectNode().put("command", command);
            ToolResult result = runner.invoke(arguments, new ToolContext(outcome.runId(), "eval", "eval", "check")).block();
            if (result == null || result.error()) {
                String text = result == null ? "no result" : result.text();
                return CheckResult.fail(check.kind(), text.lines().findFirst().orElse("") + " " + shorten(tail(text)));
            }
        }
        return CheckResult.pass(check.kind(), String.join("; ", check.commands()) + ": exit code 0");
    }

    private static CheckResult limits(Check.Limits c, Outcome o) {
        List<String> over = new ArrayList<>();
        if (c.maxTokens() != null && o.tokens() > c.maxTokens()) over.add(o.tokens() + " tokens > " + c.maxTokens());
        if (c.maxCost() != null && o.cost().compareTo(c.maxCost()) > 0) over.add("cost " + o.cost().toPlainString() + " > " + c.maxCost().toPlainString());
        if (c.maxSteps() != null && o.steps() > c.maxSteps()) over.add(o.steps() + " steps > " + c.maxSteps());
        if (c.maxModelCalls() != null && o.modelCalls() > c.maxModelCalls()) over.add(o.modelCalls() + " model calls > " + c.maxModelCalls());
        return over.isEmpty() ? CheckResult.pass(c.kind(), o.tokens() + " tokens, cost " + o.cost().toPlainString() + ", " + o.steps()
                + " steps, " + o.modelCalls() + " model calls: within the limits") : CheckResult.fail(c.kind(), String.join("; ", over));
    }

    private static List<String> matching(String glob, Set<String> files) {
        PathMatcher matcher = WorkspaceFiles.matcher(glob);
        return files.stream().filter(f -> matcher.matches(Path.of(f))).toList();
    }

    private static CheckResult result(String kind, boolean passed, String detail) {
        return new CheckResult(kind, passed, detail);
    }

    private static String tail(String text) {
        String[] lines = text.strip().split("\\R");
        return lines.length <= 1 ? "" : String.join(" ", java.util.Arrays.copyOfRange(lines, Math.max(1, lines.length - 3), lines.length));
    }

    /** At most 160 characters of {@code text}, on one line. */
    static String shorten(String text) {
        return shorten(text, SHOWN);
    }

    /** At most {@code max} characters of {@code text}, on one line. */
    static String shorten(String text, int max) {
        if (text == null) {
            return "";
        }
        String line = text.strip().replaceAll("\\s+", " ");
        return line.length() <= max ? line : line.substring(0, max - 1) + "…";
    }
}
