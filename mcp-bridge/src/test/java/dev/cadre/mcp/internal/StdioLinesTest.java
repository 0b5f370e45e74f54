package dev.cadre.mcp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StdioLinesTest {

    /** Every line, as text, with "!" prepended to those over the limit (their kept bytes only). */
    static List<String> lines(InputStream in, int limit) throws IOException {
        StdioLines lines = new StdioLines(in, limit);
        List<String> all = new ArrayList<>();
        while (lines.next()) {
            String text = new String(lines.bytes(), lines.start(), lines.length(), StandardCharsets.UTF_8);
            all.add(lines.overLimit() ? "!" + text.length() : text);
        }
        return all;
    }

    /** An input handing out at most {@code chunk} bytes per read, as a pipe does. */
    static InputStream trickle(String text, int chunk) {
        ByteArrayInputStream in = new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
        return new InputStream() {
            @Override
            public int read() {
                return in.read();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                return in.read(b, off, Math.min(len, chunk));
            }
        };
    }

    @Test
    void linesAreSplitAtNewlinesWithoutTheirCarriageReturnAndTheLastNeedsNoNewline() throws IOException {
        assertThat(lines(trickle("a\r\nbb\n\nccc", 1), 100)).containsExactly("a", "bb", "", "ccc");
        assertThat(lines(trickle("a\nb\n", 3), 100)).containsExactly("a", "b");
        assertThat(lines(trickle("", 3), 100)).isEmpty();
    }

    @Test
    void manyLinesInOneReadAndLinesAcrossTheBufferEdgeComeOutWhole() throws IOException {
        StringBuilder text = new StringBuilder();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            String line = "{\"id\":" + i + ",\"pad\":\"" + "x".repeat(i % 97) + "\"}";
            expected.add(line);
            text.append(line).append('\n');
        }
        assertThat(lines(trickle(text.toString(), StdioLines.BUFFER), 1000)).containsExactlyElementsOf(expected);
        assertThat(lines(trickle(text.toString(), 777), 1000)).containsExactlyElementsOf(expected);
    }

    @Test
    void aLineLongerThanTheBufferIsKeptWholeUpToTheLimitAndMarkedBeyondIt() throws IOException {
        String big = "y".repeat(StdioLines.BUFFER * 3 + 5);
        assertThat(lines(trickle("a\n" + big + "\nb\n", 4096), StdioLines.BUFFER * 4)).containsExactly("a", big, "b");
        int limit = StdioLines.BUFFER + 10;
        assertThat(lines(trickle("a\n" + big + "\nb\n" + big, 4096), limit))
                .containsExactly("a", "!" + (limit + 1), "b", "!" + (limit + 1));
        assertThat(lines(trickle("a\n" + "z".repeat(50) + "\nb", 8), 20)).containsExactly("a", "!50", "b");
    }
}
