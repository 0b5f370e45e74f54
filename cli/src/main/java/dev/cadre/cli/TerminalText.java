package dev.cadre.cli;

import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.cadre.api.CadreJson;

/**
 * Text that came from a model, a tool, a file or a journal, made safe to print on a terminal: every character a
 * terminal would act on instead of showing is shown escaped. ESC is {@code \e}, CR {@code \r}, the other C0 controls
 * (but newline and tab), DEL and the C1 controls (U+0080-U+009F) are {@code \xHH}, and the characters that hide or
 * reorder text (bidi overrides and isolates U+202A-U+202E, U+2066-U+2069, zero-width and other format characters,
 * line and paragraph separators) are {@code \}{@code uHHHH}. So no screen clear, clipboard write (OSC 52), hidden text or
 * line that overwrites itself reaches the terminal. Cadre's own colouring is added around the escaped text.
 */
final class TerminalText {

    /** JSON for {@code --json}: Jackson escapes C0 controls; this also escapes DEL, C1 and the invisible characters. */
    private static final ObjectWriter JSON = CadreJson.mapper().writer().with(new InvisibleEscapes());

    private TerminalText() {
    }

    /** {@code text} with every control and invisible character escaped, newlines and tabs kept. */
    static String escape(String text) {
        return escape(text, false);
    }


    /** The message of {@code e}'s innermost cause (its class name when it has none), stripped. */
    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage().strip();
    }

    /** {@code text} on one line: like {@link #escape(String)}, and a newline is shown as {@code \n}. */
    static String line(String text) {
        return escape(text, true);
    }

    /** {@code value} as one line of JSON in which nothing a terminal acts on is left unescaped. */
    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot write JSON: " + e.getMessage(), e);
        }
    }

    private static String escape(String text, boolean oneLine) {
        if (text == null) {
            return null;
        }
        int first = 0;
        while (first < text.length() && !needsEscape(text.charAt(first), oneLine)) {
            first++;
        }
        if (first == text.length()) {
            return text; // the common case: nothing to escape, nothing copied
        }
        StringBuilder out = new StringBuilder(text.length() + 16).append(text, 0, first);
        for (int i = first; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!needsEscape(c, oneLine)) {
                out.append(c);
            } else if (c == 0x1b) {
                out.append("\\e");
            } else if (c == '\r') {
                out.append("\\r");
            } else if (c == '\n') {
                out.append("\\n");
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                out.append(String.format("\\U%08x", text.codePointAt(i))); // a tag character, U+E0000-U+E007F
                i++;
            } else if (c <= 0x9f) {
                out.append("\\x").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
            } else {
                out.append(String.format("\\u%04x", (int) c));
            }
        }
        return out.toString();
    }

    /**
     * Whether a terminal would act on {@code c} or not show it: controls, and format characters (Unicode category Cf:
     * bidi controls, zero-width characters, soft hyphen, BOM; also the surrogates of the invisible tag characters
     * U+E0000-U+E007F), line and paragraph separators.
     */
    static boolean needsEscape(char c, boolean oneLine) {
        if (c >= 0x20 && c < 0x7f) {
            return false;
        }
        if (c == '\n') {
            return oneLine;
        }
        if (c == '\t') {
            return false;
        }
        if (c < 0xa0) {
            return true; // C0, DEL, C1
        }
        if (c == 0xdb40) {
            return true; // high surrogate of the tag characters U+E0000-U+E007F (invisible ASCII)
        }
        int type = Character.getType(c);
        return type == Character.FORMAT || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR;
    }

    /** Jackson's standard escapes, plus {@code \}{@code uHHHH} for DEL, C1 and the invisible characters. */
    private static final class InvisibleEscapes extends CharacterEscapes {
        private final int[] ascii;

        InvisibleEscapes() {
            ascii = standardAsciiEscapesForJSON();
            ascii[0x7f] = ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            boolean plain = ch >= 0x10000 || Character.isSurrogate((char) ch); // a pair is kept whole
            return !plain && needsEscape((char) ch, true) ? new SerializedString(String.format("\\u%04x", ch)) : null;
        }
    }
}
