package dev.cadre.eval;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One case of an eval: the task a crew gets, the values of its {@code {variables}}, the project copied into a fresh
 * workspace for each run ({@code null}: an empty workspace), and what is checked afterwards.
 */
public record EvalCase(String id, String task, Map<String, String> inputs, Path workspace, List<Check> checks) {
    private static final Pattern ID = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_-]{0,63}");

    public EvalCase {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("Eval case id '" + id + "' is invalid: use 1 to 64 letters, digits, '_' or '-',"
                    + " starting with a letter or digit.");
        }
        if (task == null || task.isBlank()) {
            throw new IllegalArgumentException("Eval case '" + id + "' has no task: say what the crew should do.");
        }
        inputs = inputs == null ? Map.of() : Map.copyOf(inputs);
        checks = List.copyOf(checks);
        if (checks.isEmpty()) {
            throw new IllegalArgumentException("Eval case '" + id + "' has no checks: say how a run passes.");
        }
    }
}
