package dev.cadre.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces secrets with {@value #MASK} in text and in run events: the values of secrets it was given (API keys and
 * tokens from the environment, a bearer token) and strings shaped like well-known keys ({@code sk-...},
 * {@code sk-ant-...}, {@code ghp_...}, {@code github_pat_...}, {@code AKIA...}, {@code AIza...}, {@code xox?-...},
 * {@code Bearer ...}, {@code Authorization:} headers, PEM private keys).
 *
 * <p>The orchestrator redacts every event before it is journaled and published, and tool results before a model
 * sees them; the MCP server redacts what it sends; the CLI's log pattern redacts log lines. Immutable and thread-safe.
 *
 * <pre>{@code
 * Redactor redactor = Redactor.fromEnvironment(System.getenv()).withSecrets(List.of(myToken));
 * Orchestrator.builder().redactor(redactor) ...
 * }</pre>
 */
public final class Redactor {

    /** What a secret is replaced with. */
    public static final String MASK = "[REDACTED]";

    /** Values shorter than this are not treated as secrets (they would mask ordinary words and numbers). */
    public static final int MIN_SECRET_LENGTH = 8;

    /** Environment variable names whose values are secrets. */
    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL).*");

    /** A well-known key shape, tried only when one of its hints occurs in the text (a cheap indexOf first). */
    private record Shape(List<String> hints, Pattern pattern) {
        Shape(String hint, Pattern pattern) {
            this(List.of(hint), pattern);
        }

        boolean mayOccurIn(String text) {
            for (int i = 0; i < hints.size(); i++) { // indexed: no iterator per call on this hot path
                if (text.contains(hints.get(i))) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Well-known key shapes; group 1, when present, is kept (the scheme before a credential). */
    private static final List<Shape> SHAPES = List.of(
            new Shape("PRIVATE KEY-----",
                    Pattern.compile("-----BEGIN [A-Z ]*PRIVATE KEY-----[\\s\\S]*?-----END [A-Z ]*PRIVATE KEY-----")),
            new Shape("sk-", Pattern.compile("(?<![A-Za-z0-9_-])sk-[A-Za-z0-9_-]{16,}")),
            new Shape(List.of("ghp_", "gho_", "ghu_", "ghs_", "ghr_"),
                    Pattern.compile("(?<![A-Za-z0-9_])(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{30,}")),
            new Shape("github_pat_", Pattern.compile("(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9_]{30,}")),
            new Shape(List.of("AKIA", "ASIA"), Pattern.compile("(?<![A-Za-z0-9])(?:AKIA|ASIA)[0-9A-Z]{16}(?![0-9A-Z])")),
            new Shape("AIza", Pattern.compile("(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}")),
            new Shape("xox", Pattern.compile("(?<![A-Za-z0-9])xox[abprs]-[A-Za-z0-9-]{10,}")),
            new Shape(List.of("uthoriz", "UTHORIZ"),
                    Pattern.compile("(?i)(authorization\"?\\s*[:=]\\s*\"?(?:bearer|basic|token)\\s+)[A-Za-z0-9._~+/=-]+")),
            new Shape(List.of("earer", "EARER"),
                    Pattern.compile("(?i)(\\bbearer\\s+)(?=[A-Za-z0-9._~+/=-]*[0-9])[A-Za-z0-9._~+/=-]{8,}")));

    /** Fields of events that name things rather than carry text. */
    private static final Set<String> STRUCTURE = Set.of("type", "id", "stepPath", "agent", "tool", "model", "kind", "risk",
            "timestamp", "requestedAt", "timeout");

    /** The public accessors of a record class's components (a cache of reflection, not state). */
    private static final ClassValue<List<Method>> ACCESSORS = new ClassValue<>() {
        @Override
        protected List<Method> computeValue(Class<?> type) {
            List<Method> accessors = new ArrayList<>();
            for (RecordComponent component : type.getRecordComponents()) {
                Method accessor = component.getAccessor();
                accessor.trySetAccessible();
                accessors.add(accessor);
            }
            return List.copyOf(accessors);
        }
    };

    private static final Redactor NONE = new Redactor(List.of(), false);
    private static final Redactor STANDARD = new Redactor(List.of(), true);

    private final List<String> secrets;
    private final boolean shapes;

    private Redactor(Collection<String> secrets, boolean shapes) {
        Set<String> unique = new LinkedHashSet<>();
        for (String s : secrets) {
            if (s != null && s.strip().length() >= MIN_SECRET_LENGTH) {
                unique.add(s.strip());
                String escaped = jsonEscaped(s.strip());
                if (!escaped.equals(s.strip())) {
                    unique.add(escaped);
                }
            }
        }
        List<String> sorted = new ArrayList<>(unique);
        sorted.sort(Comparator.comparingInt(String::length).reversed()); // longest first: a secret containing another
        this.secrets = List.copyOf(sorted);
        this.shapes = shapes;
    }

    /** Redacts nothing. */
    public static Redactor none() {
        return NONE;
    }

    /** Redacts well-known key shapes only. */
    public static Redactor standard() {
        return STANDARD;
    }

    /**
     * Redacts well-known key shapes and the values of {@code environment}'s secret variables: every name containing
     * KEY, TOKEN, SECRET, PASSWORD, PASSWD or CREDENTIAL (OPENAI_API_KEY, ANTHROPIC_API_KEY, CADRE_MCP_TOKEN, ...),
     * whose value has at least {@value #MIN_SECRET_LENGTH} characters.
     */
    public static Redactor fromEnvironment(Map<String, String> environment) {
        List<String> values = new ArrayList<>();
        environment.forEach((name, value) -> {
            if (isSecretName(name)) {
                values.add(value);
            }
        });
        return new Redactor(values, true);
    }

    /** Whether an environment variable or setting with this name holds a secret. */
    public static boolean isSecretName(String name) {
        return name != null && SECRET_NAME.matcher(name).matches();
    }

    /** This redactor, also masking {@code more} secret values (those shorter than {@value #MIN_SECRET_LENGTH} are ignored). */
    public Redactor withSecrets(Collection<String> more) {
        List<String> all = new ArrayList<>(secrets);
        all.addAll(more);
        return new Redactor(all, shapes);
    }

    /** This redactor, also masking {@code secret} when it is not null. */
    public Redactor withSecret(String secret) {
        return secret == null ? this : withSecrets(List.of(secret));
    }

    /** Whether this redactor masks anything at all. */
    public boolean isActive() {
        return shapes || !secrets.isEmpty();
    }

    /** {@code text} with every secret replaced by {@value #MASK}; the same instance when there was none. */
    public String redact(String text) {
        if (text == null || text.isEmpty() || !isActive()) {
            return text;
        }
        String out = text;
        for (int i = 0; i < secrets.size(); i++) { // longest first, so a secret containing another is masked whole
            String secret = secrets.get(i); // (indexed loops: no iterator per call on this hot path)
            if (out.contains(secret)) {
                out = out.replace(secret, MASK);
            }
        }
        if (shapes) {
            for (int i = 0; i < SHAPES.size(); i++) {
                Shape shape = SHAPES.get(i);
                if (shape.mayOccurIn(out)) {
                    Matcher m = shape.pattern().matcher(out);
                    if (m.find()) {
                        String mask = Matcher.quoteReplacement(MASK);
                        out = m.replaceAll(m.groupCount() > 0 ? "$1" + mask : mask); // group 1: the scheme, kept
                    }
                }
            }
        }
        return out.equals(text) ? text : out;
    }

    /** Whether {@code text} holds a secret this redactor masks. */
    public boolean containsSecret(String text) {
        return text != null && !text.equals(redact(text));
    }

    /**
     * The event with every string in it (outputs, prompts, tool arguments and results, checkpoint questions and
     * decisions, the task) redacted; the same instance when it held no secret.
     */
    public RunEvent redact(RunEvent event) {
        if (event == null || !isActive()) {
            return event;
        }
        if (event instanceof RunEvent.TokenStreamed t) {
            String token = redact(t.token());
            return token == t.token() ? t : new RunEvent.TokenStreamed(t.runId(), t.stepPath(), t.seq(), t.timestamp(), t.agent(), token);
        }
        return redactValue(event, RunEvent.class);
    }

    /** A checkpoint whose question and proposed output are redacted. */
    public Checkpoint redact(Checkpoint checkpoint) {
        return checkpoint == null || !isActive() ? checkpoint : redactValue(checkpoint, Checkpoint.class);
    }

    /** A JSON tree with its string values redacted in place; returns whether anything changed. */
    public boolean redactInPlace(JsonNode node) {
        if (!isActive()) {
            return false;
        }
        boolean changed = false;
        if (node instanceof ObjectNode object) {
            Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
            List<Map.Entry<String, JsonNode>> replaced = new ArrayList<>();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (STRUCTURE.contains(field.getKey()) || field.getKey().endsWith("Id")) {
                    continue; // tags, ids and names stay as they are: they are validated when read back
                }
                if (field.getValue().isTextual()) {
                    String text = field.getValue().textValue();
                    String clean = redact(text);
                    if (clean != text) {
                        replaced.add(Map.entry(field.getKey(), TextNode.valueOf(clean)));
                    }
                } else {
                    changed |= redactInPlace(field.getValue());
                }
            }
            replaced.forEach(e -> object.set(e.getKey(), e.getValue()));
            changed |= !replaced.isEmpty();
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                JsonNode item = array.get(i);
                if (item.isTextual()) {
                    String clean = redact(item.textValue());
                    if (clean != item.textValue()) {
                        array.set(i, TextNode.valueOf(clean));
                        changed = true;
                    }
                } else {
                    changed |= redactInPlace(item);
                }
            }
        }
        return changed;
    }

    private <T> T redactValue(T value, Class<T> type) {
        if (!mayHoldSecret(value, 0)) {
            return value; // the common case, found without turning the value into a JSON tree
        }
        ObjectMapper mapper = CadreJson.mapper();
        JsonNode tree = mapper.valueToTree(value);
        if (!redactInPlace(tree)) {
            return value;
        }
        try {
            return mapper.treeToValue(tree, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A redacted " + type.getSimpleName() + " could not be read back: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Whether any string in {@code value} (a record of the run's vocabulary, walked through its components,
     * collections and maps) holds a secret. A type it does not know, or nesting too deep, answers true, so the caller
     * takes the exact path through the JSON tree.
     */
    private boolean mayHoldSecret(Object value, int depth) {
        if (value == null || value instanceof Number || value instanceof Boolean || value instanceof Enum<?>
                || value instanceof java.time.temporal.TemporalAccessor || value instanceof java.time.Duration) {
            return false;
        }
        if (depth > 16) {
            return true;
        }
        if (value instanceof String text) {
            return redact(text) != text;
        }
        if (value instanceof Record record) {
            List<Method> accessors = ACCESSORS.get(record.getClass());
            for (int i = 0; i < accessors.size(); i++) {
                Method accessor = accessors.get(i);
                Object component;
                try {
                    component = accessor.invoke(record);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    return true;
                }
                if (mayHoldSecret(component, depth + 1)) {
                    return true;
                }
            }
            return false;
        }
        if (value instanceof List<?> items && items instanceof java.util.RandomAccess) {
            for (int i = 0; i < items.size(); i++) {
                if (mayHoldSecret(items.get(i), depth + 1)) {
                    return true;
                }
            }
            return false;
        }
        if (value instanceof Collection<?> items) {
            for (Object item : items) {
                if (mayHoldSecret(item, depth + 1)) {
                    return true;
                }
            }
            return false;
        }
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (mayHoldSecret(entry.getKey(), depth + 1) || mayHoldSecret(entry.getValue(), depth + 1)) {
                    return true;
                }
            }
            return false;
        }
        if (value instanceof JsonNode node) {
            return !node.isValueNode() || (node.isTextual() && redact(node.textValue()) != node.textValue());
        }
        return true;
    }

    private static String jsonEscaped(String s) {
        try {
            String quoted = CadreJson.mapper().writeValueAsString(s);
            return quoted.substring(1, quoted.length() - 1);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "Redactor[" + secrets.size() + " secret values" + (shapes ? ", well-known key shapes" : "") + "]";
    }
}
