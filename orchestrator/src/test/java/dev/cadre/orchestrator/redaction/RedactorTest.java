package dev.cadre.orchestrator.redaction;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.cadre.api.CadreJson;
import dev.cadre.api.EventsAccess;
import dev.cadre.api.RunEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RedactorTest {

    static final String PLANTED = "planted-Secret-value-0042";

    /** Fake keys in the well-known shapes (none is a real key). */
    static final List<String> SHAPED = List.of(
            "sk-" + "abcdefghijklmnopqrstuvwxyz012345",
            "sk-proj-" + "AbCdEfGhIjKlMnOpQrStUv_-0123",
            "sk-ant-api03-" + "abcdefghijklmnopqrstuvwxyzABCDEFG-HIJ",
            "ghp_" + "abcdefghijklmnopqrstuvwxyz0123456789",
            "github_pat_" + "11ABCDEFG0abcdefghijklmnopqrstuvwxyz",
            "AKIA" + "IOSFODNN7EXAMPLE",
            "AIza" + "SyA-abcdefghijklmnopqrstuvwxyz01234",
            "xoxb-" + "123456789012-abcdefghij");

    @Test
    void masksTheValuesOfSecretEnvironmentVariablesAndNothingElse() {
        Map<String, String> env = Map.of("OPENAI_API_KEY", "key-from-openai-1234", "ANTHROPIC_API_KEY", "anthropic-key-98765",
                "CADRE_MCP_TOKEN", "mcp-bearer-token-555", "DB_PASSWORD", "correct horse battery", "MY_CLIENT_SECRET", "s3cr3t-value!",
                "HOME", "/home/someone-long", "CADRE_MODEL", "openai:gpt-4.1-mini", "SHORT_KEY", "abc");
        Redactor redactor = Redactor.fromEnvironment(env);
        String text = "keys: key-from-openai-1234 anthropic-key-98765 mcp-bearer-token-555 correct horse battery s3cr3t-value!"
                + " home /home/someone-long model openai:gpt-4.1-mini short abc";

        assertThat(redactor.redact(text)).isEqualTo("keys: [REDACTED] [REDACTED] [REDACTED] [REDACTED] [REDACTED]"
                + " home /home/someone-long model openai:gpt-4.1-mini short abc");
        assertThat(Redactor.isSecretName("OPENAI_API_KEY")).isTrue();
        assertThat(Redactor.isSecretName("github_token")).isTrue();
        assertThat(Redactor.isSecretName("PWD")).isFalse();
        assertThat(Redactor.isSecretName("CADRE_MODEL")).isFalse();
    }

    @Test
    void masksEveryWellKnownKeyShapeWithoutAnyConfiguredSecret() {
        Redactor redactor = Redactor.standard();
        for (String key : SHAPED) {
            String text = "before " + key + " after";
            assertThat(redactor.redact(text)).as(key).isEqualTo("before [REDACTED] after");
        }
        assertThat(redactor.redact("curl -H 'Authorization: Bearer abc.def-123_xyz' https://x"))
                .isEqualTo("curl -H 'Authorization: Bearer [REDACTED]' https://x");
        assertThat(redactor.redact("token: Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc123")).isEqualTo("token: Bearer [REDACTED]");
        assertThat(redactor.redact("-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----\nrest"))
                .isEqualTo("[REDACTED]\nrest");
    }

    @Test
    void leavesOrdinaryTextAloneAndReturnsTheSameInstance() {
        Redactor redactor = Redactor.fromEnvironment(Map.of("OPENAI_API_KEY", PLANTED));
        for (String text : List.of("Bearer tokens are sent in a header.", "task-1 ask-me sk-short desk-lamp-with-a-long-name",
                "AKIA lower akiaIOSFODNN7EXAMPLE", "ghp_short", "plain text, numbers 12345678")) {
            assertThat(redactor.redact(text)).as(text).isSameAs(text);
        }
        assertThat(Redactor.none().redact("sk-abcdefghijklmnopqrstuvwxyz012345 " + PLANTED)).contains(PLANTED);
        assertThat(Redactor.none().isActive()).isFalse();
    }

    @Test
    void masksASecretWrittenAsAJsonStringAndLongerSecretsFirst() {
        Redactor redactor = Redactor.none().withSecrets(List.of("quote\"and\\slash-secret", "secret-prefix", "secret-prefix-and-more"));
        assertThat(redactor.redact("{\"k\":\"quote\\\"and\\\\slash-secret\"}")).isEqualTo("{\"k\":\"[REDACTED]\"}");
        assertThat(redactor.redact("a secret-prefix-and-more b secret-prefix")).isEqualTo("a [REDACTED] b [REDACTED]");
        assertThat(redactor.withSecret(null)).isSameAs(redactor);
    }

    /** Every string field of every event type holds the secret; none survives redaction, and the event reads back. */
    @Test
    void masksEveryStringInEveryEventType() {
        Redactor redactor = Redactor.none().withSecret(PLANTED);
        int fields = 0;
        for (RunEvent event : EventsAccess.oneOfEach("run-1")) {
            JsonNode tree = CadreJson.mapper().valueToTree(event);
            fields += plant(tree);
            RunEvent planted = CadreJson.mapper().convertValue(tree, RunEvent.class);
            assertThat(CadreJson.mapper().valueToTree(planted).toString()).contains(PLANTED);

            RunEvent clean = redactor.redact(planted);

            String json = CadreJson.mapper().valueToTree(clean).toString();
            assertThat(json).as(event.getClass().getSimpleName()).doesNotContain(PLANTED).contains(Redactor.MASK);
            assertThat(clean.getClass()).isEqualTo(event.getClass());
            assertThat(clean.seq()).isEqualTo(event.seq());
            assertThat(redactor.redact(event)).as("an event without the secret is returned as it is").isSameAs(event);
        }
        assertThat(fields).as("string fields planted across the %d event types", EventsAccess.oneOfEach("r").size()).isGreaterThanOrEqualTo(30);
    }

    static final List<String> STRUCTURE = List.of("type", "id", "stepPath", "agent", "tool", "model", "kind", "risk",
            "timestamp", "requestedAt", "timeout");

    /** Replaces every string value but the type tag, run id, enums and timestamps with one holding the secret. */
    private static int plant(JsonNode node) {
        int count = 0;
        if (node instanceof ObjectNode object) {
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                JsonNode value = object.get(name);
                if (value.isTextual() && !STRUCTURE.contains(name) && !name.endsWith("Id")) {
                    object.set(name, TextNode.valueOf(value.textValue() + " " + PLANTED));
                    count++;
                } else {
                    count += plant(value);
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                if (node.get(i).isTextual()) {
                    ((com.fasterxml.jackson.databind.node.ArrayNode) node).set(i, TextNode.valueOf(node.get(i).textValue() + " " + PLANTED));
                    count++;
                } else {
                    count += plant(node.get(i));
                }
            }
        }
        return count;
    }
}
