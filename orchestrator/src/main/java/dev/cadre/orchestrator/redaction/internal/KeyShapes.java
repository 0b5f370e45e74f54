package dev.cadre.orchestrator.redaction.internal;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Strings shaped like well-known keys and credentials, masked without being configured: provider keys
 * ({@code sk-...}, {@code sk-ant-...}, {@code sk_live_...}, {@code ghp_...}, {@code github_pat_...}, {@code glpat-...},
 * {@code hf_...}, {@code npm_...}, {@code AKIA...}, {@code AIza...}, {@code xox?-...}), bare JWTs, {@code Bearer ...},
 * {@code Authorization:} headers, PEM private keys, and the password of a URL's userinfo ({@code scheme://user:pass@host}).
 * Each shape is tried only when one of its hints occurs in the text (a cheap indexOf first). Stateless.
 */
public final class KeyShapes {

    /** A shape and its hints (one must occur in a text for the shape to be tried there). */
    private record Shape(List<String> hints, Pattern pattern) {
        static Shape of(String hint, String regex) {
            return new Shape(List.of(hint), Pattern.compile(regex));
        }

        static Shape of(List<String> hints, String regex) {
            return new Shape(hints, Pattern.compile(regex));
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

    /**
     * A URL's userinfo password: group 1 is {@code ://user:}, kept; the password runs to the {@code @} (possessive, so a
     * long text without one costs one pass). The scheme's last character must precede {@code ://}.
     */
    private static final Pattern USERINFO = Pattern.compile("(?<=[A-Za-z0-9+.-])(://[^\\s:/?#@\\[\\]]*+:)([^\\s/?#@]++)(?=@)");

    /** Well-known shapes; group 1, when present, is kept (the scheme or header before a credential). */
    private static final List<Shape> SHAPES = List.of(
            Shape.of("PRIVATE KEY-----", "-----BEGIN [A-Z ]*PRIVATE KEY-----[\\s\\S]*?-----END [A-Z ]*PRIVATE KEY-----"),
            Shape.of("sk-", "(?<![A-Za-z0-9_-])sk-[A-Za-z0-9_-]{16,}"),
            Shape.of(List.of("_live_", "_test_"), "(?<![A-Za-z0-9_])(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}"),
            Shape.of(List.of("ghp_", "gho_", "ghu_", "ghs_", "ghr_"), "(?<![A-Za-z0-9_])(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{30,}"),
            Shape.of("github_pat_", "(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9_]{30,}"),
            Shape.of("glpat-", "(?<![A-Za-z0-9_-])glpat-[A-Za-z0-9_-]{20,}"),
            Shape.of("hf_", "(?<![A-Za-z0-9_])hf_[A-Za-z0-9]{30,}"),
            Shape.of("npm_", "(?<![A-Za-z0-9_])npm_[A-Za-z0-9]{36,}"),
            Shape.of(List.of("AKIA", "ASIA"), "(?<![A-Za-z0-9])(?:AKIA|ASIA)[0-9A-Z]{16}(?![0-9A-Z])"),
            Shape.of("AIza", "(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}"),
            Shape.of("xox", "(?<![A-Za-z0-9])xox[abprs]-[A-Za-z0-9-]{10,}"),
            Shape.of("eyJ", "(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{5,}+\\.eyJ[A-Za-z0-9_-]{5,}+\\.[A-Za-z0-9_-]*+"),
            Shape.of(List.of("uthoriz", "UTHORIZ"),
                    "(?i)(authorization\"?\\s*[:=]\\s*\"?(?:bearer|basic|token)\\s+)[A-Za-z0-9._~+/=-]+"),
            Shape.of(List.of("earer", "EARER"), "(?i)(\\bbearer\\s+)(?=[A-Za-z0-9._~+/=-]*[0-9])[A-Za-z0-9._~+/=-]{8,}"),
            new Shape(List.of("://"), USERINFO));

    private KeyShapes() {
    }

    /** {@code text} with every well-known shape replaced by {@code mask}; the same instance when there was none. */
    public static String redact(String text, String mask) {
        String out = text;
        for (int i = 0; i < SHAPES.size(); i++) {
            Shape shape = SHAPES.get(i);
            if (shape.mayOccurIn(out)) {
                Matcher m = shape.pattern().matcher(out);
                if (m.find()) {
                    String quoted = Matcher.quoteReplacement(mask);
                    out = m.replaceAll(m.groupCount() > 0 ? "$1" + quoted : quoted); // group 1: the scheme, kept
                }
            }
        }
        return out;
    }

    /**
     * The passwords in the userinfo of URLs in {@code text} ({@code postgres://app:pw@db/x} gives {@code pw}), as
     * written and percent-decoded, so a variable like {@code DATABASE_URL} makes its password a known secret.
     */
    public static List<String> userinfoPasswords(String text) {
        List<String> passwords = new ArrayList<>();
        if (text == null || !text.contains("://")) {
            return passwords;
        }
        Matcher m = USERINFO.matcher(text);
        while (m.find()) {
            String raw = m.group(2);
            passwords.add(raw);
            try {
                String decoded = URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
                if (!decoded.equals(raw)) {
                    passwords.add(decoded);
                }
            } catch (IllegalArgumentException e) {
                // not valid percent-encoding: the raw form is the secret
            }
        }
        return passwords;
    }
}
