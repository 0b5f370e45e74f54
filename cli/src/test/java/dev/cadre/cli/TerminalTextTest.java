package dev.cadre.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.api.CadreJson;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 13, finding 11: text from a run is shown escaped on the terminal, never interpreted. */
class TerminalTextTest {

    @Test
    void escapesControlsAndInvisibleCharactersAndKeepsNewlinesAndTabs() {
        assertThat(TerminalText.escape("a\u001b[2Jb\u0007c\rd\u0000e\u007ff\u0085g\u202eh\u2066i\u200bj\ufeffk\u2028l\tm\nn\udb40\udc41"))
                .isEqualTo("a\\e[2Jb\\x07c\\rd\\x00e\\x7ff\\x85g\\u202eh\\u2066i\\u200bj\\ufeffk\\u2028l\tm\nn\\U000e0041");
        assertThat(TerminalText.line("one\ntwo\r")).isEqualTo("one\\ntwo\\r");
        Hostile.assertShownEscaped(TerminalText.escape(Hostile.PAYLOAD));
    }

    @Test
    void leavesOrdinaryTextAsItIs() {
        String text = "Grüße, 日本語, emoji 😀, a path C:\\dir and a tab\there";
        assertThat(TerminalText.escape(text)).isSameAs(text);
        assertThat(TerminalText.line(text)).isSameAs(text);
        assertThat(TerminalText.escape(null)).isNull();
    }

    @Test
    void jsonStaysJsonAndEscapesWhatATerminalActsOn() throws Exception {
        String json = TerminalText.json(Map.of("text", Hostile.PAYLOAD));

        Hostile.assertShownEscapedJson(json);
        JsonNode read = CadreJson.mapper().readTree(json);
        assertThat(read.get("text").textValue()).as("the same text, read back").isEqualTo(Hostile.PAYLOAD);
    }
}
