package dev.cadre.orchestrator.redaction;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Finding 13 (and 9's tail) of issue 13: a known secret, printed encoded, is masked. */
class RedactorEncodedFormsTest {

    /** A fake key with characters that base64, percent-encoding and JSON all treat specially. */
    static final String KEY = "planted key+/=?&%-0042~";

    final Redactor redactor = Redactor.fromEnvironment(Map.of("OPENAI_API_KEY", KEY));

    @Test
    void masksTheSecretBase64EncodedStandardAndUrlSafeWithAndWithoutPadding() {
        byte[] bytes = KEY.getBytes(StandardCharsets.UTF_8);
        for (String encoded : List.of(Base64.getEncoder().encodeToString(bytes), Base64.getEncoder().withoutPadding().encodeToString(bytes),
                Base64.getUrlEncoder().encodeToString(bytes), Base64.getUrlEncoder().withoutPadding().encodeToString(bytes),
                Base64.getMimeEncoder().encodeToString(bytes))) {
            assertThat(redactor.redact("a " + encoded + " b")).as(encoded).isEqualTo("a [REDACTED] b");
        }
    }

    @Test
    void masksTheSecretInsideALongerBase64TextAtEveryAlignment() {
        for (String prefix : List.of("OPENAI_API_KEY=", "OPENAI_API_KEY=x", "OPENAI_API_KEY=xy")) { // offsets 0, 1, 2 mod 3
            byte[] env = (prefix + KEY + "\nHOME=/home/someone\n").getBytes(StandardCharsets.UTF_8);
            for (Base64.Encoder encoder : List.of(Base64.getEncoder(), Base64.getUrlEncoder())) {
                String encoded = encoder.encodeToString(env);
                String clean = redactor.redact(encoded);
                assertThat(clean).as(prefix).contains(Redactor.MASK);
                String rest = clean.replace(Redactor.MASK, "");
                assertThat(rest.length()).as("what is left: the prefix, the suffix and at most 2 edge characters")
                        .isLessThanOrEqualTo(encoded.length() - 4 * KEY.length() / 3 + 2);
            }
        }
    }

    @Test
    void masksTheSecretHexAndPercentEncoded() {
        byte[] bytes = KEY.getBytes(StandardCharsets.UTF_8);
        String form = URLEncoder.encode(KEY, StandardCharsets.UTF_8);
        StringBuilder everyByte = new StringBuilder();
        for (byte b : bytes) {
            everyByte.append('%').append(HexFormat.of().toHexDigits(b));
        }
        for (String encoded : List.of(HexFormat.of().formatHex(bytes), HexFormat.of().withUpperCase().formatHex(bytes),
                form, form.replace("+", "%20"), form.replace("+", "%20").toLowerCase(),
                everyByte.toString(), everyByte.toString().toUpperCase())) {
            assertThat(redactor.redact("q=" + encoded + "&x=1")).as(encoded).isEqualTo("q=[REDACTED]&x=1");
        }
    }

    @Test
    void leavesOtherEncodedTextAloneAndComputesTheFormsOnce() {
        String other = Base64.getEncoder().encodeToString("an ordinary sentence, not a key".getBytes(StandardCharsets.UTF_8));
        String hex = HexFormat.of().formatHex("ordinary bytes".getBytes(StandardCharsets.UTF_8));
        for (String text : List.of(other, hex, "a%20b%20c", "plain text")) {
            assertThat(redactor.redact(text)).as(text).isSameAs(text);
        }
        Base64.Encoder base64 = Base64.getEncoder();
        String twice = base64.encodeToString(base64.encodeToString(KEY.getBytes(StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
        assertThat(redactor.withSecrets(List.of("second-secret-value")).redact(twice))
                .as("forms are derived from the secrets given, never from earlier forms").isSameAs(twice);
    }
}
