package dev.cadre.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cadre.api.CadreJson;
import dev.cadre.api.RiskLevel;
import dev.cadre.api.RunHandle;
import dev.cadre.api.RunResult;
import dev.cadre.api.Tool;
import dev.cadre.api.ToolContext;
import dev.cadre.api.ToolResult;
import dev.cadre.personas.CrewFile;
import dev.cadre.tools.StandardTools;
import dev.cadre.tools.Workspace;
import dev.cadre.tools.WorkspaceException;
import dev.cadre.tools.WorkspaceTools;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A crew's {@code output_file}s (CrewAI's task field): when the run ends, each task that finished has its output written
 * to its file in the workspace, through {@code workspace_write} and so under its rules (inside the root, never through
 * a link out of it, never into Cadre's state); a file the crew's commands execute is refused before the run starts.
 * {@code {variables}} in a path take the run's inputs.
 */
final class OutputFiles {

    private static final Pattern VARIABLE = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_.-]*)}");
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(30);

    private final Map<String, String> paths;
    private final Tool write;

    private OutputFiles(Map<String, String> paths, Tool write) {
        this.paths = paths;
        this.write = write;
    }

    /** Checks every output file of {@code file} against {@code workspace}, before the run: one sentence for the first bad one. */
    static OutputFiles check(CrewFile file, Workspace workspace, Map<String, String> inputs) {
        Map<String, String> paths = new LinkedHashMap<>();
        if (file.outputFiles().isEmpty()) {
            return new OutputFiles(paths, null);
        }
        Tool write = StandardTools.withExecutedFiles(WorkspaceTools.create(workspace), file.executedFiles()).stream()
                .filter(t -> t.name().equals("workspace_write")).findFirst().orElseThrow();
        file.outputFiles().forEach((task, raw) -> {
            String path = fill(task, raw, inputs);
            try {
                workspace.resolve(path);
            } catch (WorkspaceException e) {
                throw new IllegalArgumentException("Task '" + task + "' has output_file '" + raw + "', which Cadre does not write: "
                        + e.getMessage());
            }
            if (write.risk(arguments(path, "")) == RiskLevel.EXECUTES) {
                throw new IllegalArgumentException("Task '" + task + "' has output_file '" + raw + "', a file the crew's commands"
                        + " execute; an agent's output is never written there: choose another path.");
            }
            paths.put(task, path);
        });
        return new OutputFiles(paths, write);
    }

    /** After {@link Runs#follow}: unless the run still waits, writes its tasks' output files; returns {@code exit}. */
    int afterRun(RunHandle run, int exit, PrintStream err) {
        if (exit != ExitCodes.WAITING && !paths.isEmpty()) {
            write(run.result().block(WRITE_TIMEOUT), err);
        }
        return exit;
    }

    /** Writes the output of every task of {@code result} that has an output file; says on {@code err} what it wrote. */
    void write(RunResult result, PrintStream err) {
        paths.forEach((task, path) -> {
            String output = outputOf(result, task);
            if (output == null) {
                err.println("Task '" + task + "' did not finish, so " + TerminalText.line(path) + " was not written.");
                return;
            }
            ToolResult written;
            try {
                written = write.invoke(arguments(path, output), new ToolContext(result.runId(), task, "output_file", "output_file-" + task))
                        .block(WRITE_TIMEOUT);
            } catch (RuntimeException e) {
                written = new ToolResult(e.getMessage() == null ? e.toString() : e.getMessage(), null, true);
            }
            if (written == null || written.error()) {
                err.println("The output of task '" + task + "' was not written to " + TerminalText.line(path) + ": "
                        + TerminalText.line(written == null ? "no answer from workspace_write" : written.text()));
            } else {
                err.println("Wrote the output of task '" + task + "' to " + TerminalText.line(path) + ".");
            }
        });
    }

    /** The output of the task's step: outputs are by step path (e.g. crew/task), the last iteration's in a loop. */
    static String outputOf(RunResult result, String task) {
        String output = null;
        for (Map.Entry<String, String> e : result.outputs().entrySet()) {
            if (e.getKey().equals(task) || e.getKey().endsWith("/" + task)) {
                output = e.getValue();
            }
        }
        return output;
    }

    private static String fill(String task, String raw, Map<String, String> inputs) {
        Matcher m = VARIABLE.matcher(raw);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = inputs.get(m.group(1));
            if (value == null) {
                throw new IllegalArgumentException("Task '" + task + "' has output_file '" + raw + "', which uses {" + m.group(1)
                        + "} without a value; pass --input " + m.group(1) + "=VALUE.");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        return m.appendTail(out).toString();
    }

    private static ObjectNode arguments(String path, String content) {
        return CadreJson.mapper().createObjectNode().put("path", path).put("content", content);
    }
}
