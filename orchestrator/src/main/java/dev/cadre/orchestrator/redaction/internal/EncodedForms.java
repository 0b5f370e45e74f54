package dev.cadre.orchestrator.redaction.internal;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The encoded forms of a secret that a tool or a model may print instead of the secret itself: base64 (standard and
 * URL-safe, with and without padding, and the part that stays the same wherever the secret sits in a longer base64
 * text: three alignments), hex (lower and upper case) and percent-encoding (as a URL or a form writes it, and every
 * byte escaped). Computed once per secret, by the redactor that knows it. Stateless.
 */
public final class EncodedForms {

    private static final Base64.Encoder STANDARD = Base64.getEncoder();
    private static final Base64.Encoder URL_SAFE = Base64.getUrlEncoder();

    private EncodedForms() {
    }

    /** The encoded forms of {@code secret}, each different from it, none shorter than {@code minLength}. */
    public static List<String> of(String secret, int minLength) {
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        Set<String> forms = new LinkedHashSet<>();
        for (Base64.Encoder encoder : List.of(STANDARD, URL_SAFE)) {
            String padded = encoder.encodeToString(bytes);
            forms.add(padded);
            forms.add(stripPadding(padded));
        }
        for (int offset = 0; offset < 3; offset++) {
            String core = base64Core(bytes, offset);
            forms.add(core);
            forms.add(core.replace('+', '-').replace('/', '_'));
        }
        HexFormat hex = HexFormat.of();
        forms.add(hex.formatHex(bytes));
        forms.add(hex.withUpperCase().formatHex(bytes));
        String form = URLEncoder.encode(secret, StandardCharsets.UTF_8); // spaces as '+'
        forms.add(form);
        forms.add(form.replace("+", "%20"));
        forms.add(lowerCaseEscapes(form.replace("+", "%20")));
        StringBuilder everyByte = new StringBuilder(bytes.length * 3);
        for (byte b : bytes) {
            everyByte.append('%').append(hex.withUpperCase().toHexDigits(b));
        }
        forms.add(everyByte.toString());
        forms.add(lowerCaseEscapes(everyByte.toString()));
        forms.remove(secret);
        List<String> result = new ArrayList<>();
        for (String f : forms) {
            if (f.length() >= minLength) {
                result.add(f);
            }
        }
        return result;
    }

    /**
     * The base64 characters that depend on the secret's bytes alone when it starts {@code offset} bytes (mod 3) into
     * a longer encoded text: the characters whose six bits all fall inside the secret.
     */
    static String base64Core(byte[] secret, int offset) {
        byte[] shifted = new byte[offset + secret.length];
        System.arraycopy(secret, 0, shifted, offset, secret.length);
        String encoded = stripPadding(STANDARD.encodeToString(shifted));
        int from = (8 * offset + 5) / 6; // the first character starting at or after the secret's first bit
        int to = 8 * (offset + secret.length) / 6; // the characters ending at or before its last bit
        return encoded.substring(from, to);
    }

    private static String stripPadding(String base64) {
        int end = base64.length();
        while (end > 0 && base64.charAt(end - 1) == '=') {
            end--;
        }
        return base64.substring(0, end);
    }

    private static String lowerCaseEscapes(String percentEncoded) {
        StringBuilder out = new StringBuilder(percentEncoded);
        for (int i = 0; i < out.length(); i++) {
            if (out.charAt(i) == '%' && i + 2 < out.length()) {
                out.setCharAt(i + 1, Character.toLowerCase(out.charAt(i + 1)));
                out.setCharAt(i + 2, Character.toLowerCase(out.charAt(i + 2)));
            }
        }
        return out.toString();
    }
}
