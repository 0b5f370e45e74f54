package dev.cadre.eval;

import dev.cadre.api.Budget;
import dev.cadre.eval.internal.EvalFileReader;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * An eval file (YAML or JSON): cases with checks, how often each case runs on each crew, and the budget each run
 * gets. Every mistake is found when the file is read, in one sentence naming the file and where in it. See
 * docs/evaluation.md.
 *
 * <pre>{@code
 * name: arithmetic
 * repeat: 3
 * budget_per_case: {max_tokens: 20000}
 * cases:
 *   - id: add
 *     task: What is 17 + 25? Reply with JSON {"answer": <number>}.
 *     checks:
 *       - number: 42
 *         field: answer
 * }</pre>
 *
 * @param name          the eval's name (default: the file name without its extension)
 * @param description   what it measures, or {@code null}
 * @param source        where it was read from (shown in reports)
 * @param sha256        the digest of its text: results made from another version are not reused
 * @param repeat        how often each case runs on each crew (default 1)
 * @param budgetPerCase the budget of every run (default: none)
 * @param crews         crews named by the file (crew files relative to it, or built-in crews); may be empty
 * @param cases         the cases, in order, with unique ids
 */
public record EvalFile(String name, String description, String source, String sha256, int repeat, Budget budgetPerCase,
                       List<String> crews, List<EvalCase> cases) {

    public EvalFile {
        Objects.requireNonNull(name, "name");
        budgetPerCase = budgetPerCase == null ? Budget.UNLIMITED : budgetPerCase;
        crews = List.copyOf(crews);
        cases = List.copyOf(cases);
        if (repeat < 1) {
            throw new IllegalArgumentException("Eval '" + name + "' has repeat " + repeat + ": it must be at least 1.");
        }
        if (cases.isEmpty()) {
            throw new IllegalArgumentException("Eval '" + name + "' has no cases.");
        }
        Set<String> ids = new HashSet<>();
        for (EvalCase c : cases) {
            if (!ids.add(c.id())) {
                throw new IllegalArgumentException("Eval '" + name + "' has two cases with id '" + c.id() + "'.");
            }
        }
    }

    /** Reads an eval file; relative workspaces and crew files are resolved against its directory. */
    public static EvalFile load(Path file) {
        return EvalFileReader.read(file);
    }

    /** Reads an eval from text; {@code fileName} names it in errors (its extension picks YAML or JSON). */
    public static EvalFile parse(String fileName, String text, Path baseDirectory) {
        return EvalFileReader.parse(fileName, text, baseDirectory);
    }

    /**
     * A budget written on one line, as {@code cadre eval --budget-per-case} takes it: {@code tokens=20000,cost=0.05,calls=12,time=5m}
     * (any of them).
     */
    public static Budget budget(String spec) {
        return EvalFileReader.budget(spec);
    }

    /** The case with this id. */
    public EvalCase caseNamed(String id) {
        return cases.stream().filter(c -> c.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("Eval '" + name + "' has no case '" + id + "'."));
    }
}
