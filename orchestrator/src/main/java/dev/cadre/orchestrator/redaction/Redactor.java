package dev.cadre.orchestrator.redaction;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.cadre.api.CadreJson;
import dev.cadre.api.Checkpoint;
import dev.cadre.api.RunEvent;
import dev.cadre.orchestrator.redaction.internal.EncodedForms;
import dev.cadre.orchestrator.redaction.internal.KeyShapes;
import dev.cadre.orchestrator.redaction.internal.RecordStrings;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Replaces secrets with {@value #MASK} in text and in run events: the values of secrets it was given (API keys,
 * tokens and passwords from the environment, a bearer token), also base64-, hex- and percent-encoded, and strings
 * shaped like well-known keys ({@code sk-...}, {@code sk-ant-...}, {@code sk_live_...}, {@code ghp_...},
 * {@code github_pat_...}, {@code glpat-...}, {@code hf_...}, {@code npm_...}, {@code AKIA...}, {@code AIza...},
 * {@code xox?-...}, JWTs, {@code Bearer ...}, {@code Authorization:} headers, PEM private keys, a URL's password).
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

    /**
     * Environment variable names whose values are secrets: KEY, TOKEN, SECRET, PASS (PASSWORD, PASSWD, PASSPHRASE,
     * DB_PASS), PWD (MYSQL_PWD), CREDENTIAL, COOKIE, AUTH (not AUTHOR).
     */
    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(KEY|TOKEN|SECRET|PASS|PWD|CREDENTIAL|COOKIE|AUTH(?!OR)).*");

    /** Names that match {@link #SECRET_NAME} but hold no secret: the working directory, and locations of things. */
    private static final Pattern NOT_SECRET_NAME = Pattern.compile("(?i)(OLD)?PWD|.*(FILE|PATH|DIR|SOCK)");

    /** Fields of events that name things rather than carry text. */
    private static final Set<String> STRUCTURE = Set.of("type", "id", "stepPath", "agent", "tool", "model", "kind", "risk",
            "timestamp", "requestedAt", "timeout");

    private static final Redactor NONE = new Redactor(List.of(), false);
    private static final Redactor STANDARD = new Redactor(List.of(), true);

    /** The secret values this redactor was given (at least {@value #MIN_SECRET_LENGTH} characters, stripped). */
    private final List<String> given;
    /** What is searched for: each given secret, its JSON-escaped and {@link EncodedForms encoded forms}, longest first. */
    private final List<String> secrets;
    private final boolean shapes;

    private Redactor(Collection<String> values, boolean shapes) {
        Set<String> unique = new LinkedHashSet<>();
        for (String s : values) {
            if (s != null && s.strip().length() >= MIN_SECRET_LENGTH) {
                unique.add(s.strip());
            }
        }
        Set<String> forms = new LinkedHashSet<>();
        for (String secret : unique) { // every form computed once here, never per event
            forms.add(secret);
            forms.add(jsonEscaped(secret));
            forms.addAll(EncodedForms.of(secret, MIN_SECRET_LENGTH));
        }
        List<String> sorted = new ArrayList<>(forms);
        sorted.sort(Comparator.comparingInt(String::length).reversed()); // longest first: a secret containing another
        this.given = List.copyOf(unique);
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
     * Redacts well-known key shapes and the values of {@code environment}'s secret variables (see
     * {@link #isSecretName}: OPENAI_API_KEY, CADRE_MCP_TOKEN, DB_PASS, MYSQL_PWD, ...) whose value has at least
     * {@value #MIN_SECRET_LENGTH} characters, and the password of any variable holding a URL with one
     * ({@code DATABASE_URL=postgres://app:pw@db/app}); each also base64-, hex- and percent-encoded.
     */
    public static Redactor fromEnvironment(Map<String, String> environment) {
        List<String> values = new ArrayList<>();
        environment.forEach((name, value) -> {
            if (isSecretName(name)) {
                values.add(value);
            }
            values.addAll(KeyShapes.userinfoPasswords(value));
        });
        return new Redactor(values, true);
    }

    /**
     * Whether an environment variable or setting with this name holds a secret: a name containing KEY, TOKEN, SECRET,
     * PASS (PASSWORD, PASSWD, PASSPHRASE), PWD, CREDENTIAL, COOKIE or AUTH (not AUTHOR), except PWD and OLDPWD (the
     * working directory) and names ending in FILE, PATH, DIR or SOCK (where a secret is, not what it is).
     */
    public static boolean isSecretName(String name) {
        return name != null && SECRET_NAME.matcher(name).matches() && !NOT_SECRET_NAME.matcher(name).matches();
    }

    /** This redactor, also masking {@code more} secret values (those shorter than {@value #MIN_SECRET_LENGTH} are ignored). */
    public Redactor withSecrets(Collection<String> more) {
        List<String> all = new ArrayList<>(given);
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
            out = KeyShapes.redact(out, MASK);
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
        if (!RecordStrings.anyMatch(value, text -> redact(text) != text)) {
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
        return "Redactor[" + given.size() + " secret values" + (shapes ? ", well-known key shapes" : "") + "]";
    }
}
