package dev.cadre.eval.internal;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.cadre.api.Budget;
import dev.cadre.api.CrewSource;
import dev.cadre.eval.Check;
import dev.cadre.eval.EvalCase;
import dev.cadre.eval.EvalFile;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

/**
 * Reads eval files with Jackson into the records below, then turns them into {@link EvalFile}: unknown keys and wrong
 * types are reported with file, line and column (and the nearest key); what is wrong with a value names the case and
 * the check.
 */
public final class EvalFileReader {

    record FileDef(String name, String description, Integer repeat, BudgetDef budgetPerCase, List<String> crews,
                   List<CheckDef> checks, List<CaseDef> cases) {}

    record BudgetDef(Long maxTokens, BigDecimal maxCost, Long maxModelCalls, String maxWallTime) {}

    record CaseDef(String id, String task, Map<String, String> inputs, String workspace, List<CheckDef> checks) {}

    record CheckDef(String equals, Boolean normalise, String field, String regex, JsonNode jsonSchema, BigDecimal number,
                    BigDecimal tolerance, List<String> commandsPass, List<String> filesChanged, List<String> filesUnchanged,
                    Long maxTokens, BigDecimal maxCost, Long maxSteps, Long maxModelCalls) {}


    private EvalFileReader() {}

    public static EvalFile read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot read eval file " + file + ": " + e.getMessage(), e);
        }
        Path dir = file.toAbsolutePath().getParent();
        return parse(file.toString(), text, dir);
    }

    public static EvalFile parse(String fileName, String text, Path baseDirectory) {
        FileDef def = map(fileName, text);
        if (def == null) {
            throw new IllegalArgumentException(fileName + ": the eval file is empty; give it 'cases'.");
        }
        if (def.cases() == null || def.cases().isEmpty()) {
            throw new IllegalArgumentException(fileName + ": the eval has no 'cases'; list at least one case with a task and checks.");
        }
        String name = def.name() != null ? def.name() : Path.of(fileName).getFileName().toString().replaceFirst("\\.(ya?ml|json)$", "");
        List<Check> common = new ArrayList<>();
        if (def.checks() != null) {
            for (int i = 0; i < def.checks().size(); i++) {
                common.add(check(def.checks().get(i), fileName + ": check " + (i + 1) + " of 'checks'"));
            }
        }
        List<EvalCase> cases = new ArrayList<>();
        for (int i = 0; i < def.cases().size(); i++) {
            cases.add(evalCase(def.cases().get(i), i, fileName, baseDirectory, common));
        }
        Budget budget = def.budgetPerCase() == null ? Budget.UNLIMITED : budget(def.budgetPerCase(), fileName);
        try {
            return new EvalFile(name, def.description(), fileName, CrewSource.digest(text), def.repeat() == null ? 1 : def.repeat(),
                    budget, def.crews() == null ? List.of() : def.crews(), cases);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(fileName + ": " + e.getMessage(), e);
        }
    }

    private static FileDef map(String fileName, String text) {
        boolean json = fileName.endsWith(".json");
        ObjectMapper mapper = (json ? JsonMapper.builder() : YAMLMapper.builder())
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .build();
        KeyPositions positions = KeyPositions.of(mapper.getFactory(), text);
        try {
            return mapper.readValue(text, FileDef.class);
        } catch (UnrecognizedPropertyException e) {
            String nearest = Suggest.nearest(e.getPropertyName(), e.getKnownPropertyIds().stream().map(Object::toString).toList());
            throw located(fileName, at(positions, e), "unknown key '" + e.getPropertyName() + "'" + where(e)
                    + (nearest != null ? " — did you mean '" + nearest + "'?" : "; keys: " + keys(e.getKnownPropertyIds())));
        } catch (JsonMappingException e) {
            if (e.getCause() instanceof com.fasterxml.jackson.core.JsonParseException syntax) {
                throw located(fileName, syntax.getLocation(), "not valid " + (json ? "JSON" : "YAML") + ": "
                        + syntax.getOriginalMessage().lines().findFirst().orElse(""));
            }
            throw located(fileName, at(positions, e), "wrong value" + where(e) + ": "
                    + e.getOriginalMessage().lines().findFirst().orElse("").replaceAll(" \\(class [^)]*\\)", ""));
        } catch (JsonProcessingException e) {
            throw located(fileName, e.getLocation(), "not valid " + (json ? "JSON" : "YAML") + ": "
                    + e.getOriginalMessage().lines().findFirst().orElse(""));
        }
    }

    private static String keys(Collection<Object> known) {
        return known.stream().map(Object::toString).sorted().collect(Collectors.joining(", "));
    }

    /** " at cases[2].checks[0]", from the mapping exception's path. */
    private static String where(JsonMappingException e) {
        String path = KeyPositions.path(e);
        return path.isEmpty() ? "" : " at " + path;
    }

    private static IllegalArgumentException located(String fileName, JsonLocation at, String problem) {
        int line = at == null ? 1 : Math.max(1, at.getLineNr());
        int column = at == null ? 1 : Math.max(1, at.getColumnNr());
        return new IllegalArgumentException(fileName + ":" + line + ":" + column + ": " + problem + (problem.endsWith("?") ? "" : "."));
    }

    /** Where the key or item the mapping failed at stands, else where the parser stopped. */
    private static JsonLocation at(KeyPositions positions, JsonMappingException e) {
        JsonLocation known = positions.of(e);
        return known != null ? known : e.getLocation();
    }

    private static EvalCase evalCase(CaseDef def, int index, String fileName, Path baseDirectory, List<Check> common) {
        String id = def.id() != null ? def.id() : "case-" + (index + 1);
        String where = fileName + ": case '" + id + "'";
        if (def.task() == null || def.task().isBlank()) {
            throw new IllegalArgumentException(where + " has no 'task': say what the crew should do.");
        }
        Path workspace = null;
        if (def.workspace() != null) {
            workspace = baseDirectory.resolve(def.workspace()).normalize();
            if (!Files.isDirectory(workspace)) {
                throw new IllegalArgumentException(where + " copies the workspace '" + def.workspace() + "', but " + workspace
                        + " is not a directory.");
            }
        }
        List<Check> checks = new ArrayList<>();
        List<CheckDef> defs = def.checks() == null ? List.of() : def.checks();
        for (int i = 0; i < defs.size(); i++) {
            checks.add(check(defs.get(i), where + ", check " + (i + 1)));
        }
        checks.addAll(common);
        if (checks.isEmpty()) {
            throw new IllegalArgumentException(where + " has no 'checks': say how a run passes (equals, regex, number, commands_pass, ...).");
        }
        try {
            return new EvalCase(id, def.task(), def.inputs(), workspace, checks);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(fileName + ": " + e.getMessage(), e);
        }
    }

    private static Check check(CheckDef d, String where) {
        List<String> kinds = new ArrayList<>();
        if (d.equals() != null) kinds.add("equals");
        if (d.regex() != null) kinds.add("regex");
        if (d.jsonSchema() != null) kinds.add("json_schema");
        if (d.number() != null) kinds.add("number");
        if (d.commandsPass() != null) kinds.add("commands_pass");
        if (d.filesChanged() != null) kinds.add("files_changed");
        if (d.filesUnchanged() != null) kinds.add("files_unchanged");
        boolean limits = d.maxTokens() != null || d.maxCost() != null || d.maxSteps() != null || d.maxModelCalls() != null;
        if (limits) kinds.add("limits");
        if (kinds.isEmpty()) {
            throw new IllegalArgumentException(where + " checks nothing: give one of equals, regex, json_schema, number,"
                    + " commands_pass, files_changed, files_unchanged, or max_tokens / max_cost / max_steps / max_model_calls.");
        }
        if (kinds.size() > 1) {
            throw new IllegalArgumentException(where + " is " + String.join(" and ", kinds) + " at once: write one check per list item.");
        }
        String kind = kinds.get(0);
        if (d.normalise() != null && !kind.equals("equals")) {
            throw new IllegalArgumentException(where + " (" + kind + ") has 'normalise', which only an equals check takes.");
        }
        if (d.tolerance() != null && !kind.equals("number")) {
            throw new IllegalArgumentException(where + " (" + kind + ") has 'tolerance', which only a number check takes.");
        }
        if (d.field() != null && !List.of("equals", "regex", "json_schema", "number").contains(kind)) {
            throw new IllegalArgumentException(where + " (" + kind + ") has 'field', which only checks of the answer take.");
        }
        try {
            return switch (kind) {
                case "equals" -> new Check.Equals(d.equals(), Boolean.TRUE.equals(d.normalise()), d.field());
                case "regex" -> new Check.Matches(Pattern.compile(d.regex()), d.field());
                case "json_schema" -> new Check.JsonSchema(JsonSchemaCheck.requireValid(d.jsonSchema()), d.field());
                case "number" -> new Check.Numeric(d.number(), d.tolerance(), d.field());
                case "commands_pass" -> new Check.CommandsPass(d.commandsPass());
                case "files_changed" -> new Check.FilesChanged(globs(d.filesChanged(), where));
                case "files_unchanged" -> new Check.FilesUnchanged(globs(d.filesUnchanged(), where));
                default -> new Check.Limits(d.maxTokens(), d.maxCost(), d.maxSteps(), d.maxModelCalls());
            };
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(where + " (regex): the pattern '" + d.regex() + "' does not compile: "
                    + e.getDescription() + " near index " + e.getIndex() + ".", e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + " (" + kind + "): " + e.getMessage(), e);
        }
    }

    private static List<String> globs(List<String> globs, String where) {
        if (globs.isEmpty()) {
            throw new IllegalArgumentException("it names no file; give globs such as src/**.java");
        }
        for (String glob : globs) {
            WorkspaceFiles.matcher(glob);
        }
        return globs;
    }

    private static Budget budget(BudgetDef def, String fileName) {
        Duration wall = null;
        if (def.maxWallTime() != null) {
            wall = duration(def.maxWallTime(), fileName + ": budget_per_case.max_wall_time");
        }
        return new Budget(def.maxTokens(), def.maxCost(), def.maxModelCalls(), wall);
    }

    /** {@code tokens=20000,cost=0.05,calls=12,time=5m}. */
    public static Budget budget(String spec) {
        Budget budget = Budget.UNLIMITED;
        for (String part : spec.split(",")) {
            String[] kv = part.strip().split("=", 2);
            String value = kv.length == 2 ? kv[1].strip() : "";
            try {
                budget = switch (kv[0].strip()) {
                    case "tokens" -> budget.withMaxTokens(Long.parseLong(value));
                    case "cost" -> budget.withMaxCost(new BigDecimal(value));
                    case "calls" -> budget.withMaxModelCalls(Long.parseLong(value));
                    case "time" -> budget.withMaxWallTime(duration(value, "The budget's time"));
                    default -> throw new IllegalArgumentException("The budget '" + spec + "' has '" + part.strip()
                            + "': use tokens=N, cost=X, calls=N and time=D, e.g. tokens=20000,cost=0.05,calls=12,time=5m.");
                };
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("The budget '" + spec + "' has '" + part.strip() + "', which is not a number.", e);
            }
        }
        return budget;
    }

    /** {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h} or ISO-8601 ({@code PT5M}). */
    public static Duration duration(String text, String where) {
        return dev.cadre.api.Durations.parse(text).orElseThrow(() ->
                new IllegalArgumentException(where + " is '" + text + "': write a duration such as 30s, 5m or 1h."));
    }
}
