package dev.cadre.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.api.CadreJson;
import dev.cadre.api.Tool;
import dev.cadre.api.ToolContext;
import dev.cadre.api.ToolResult;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;

/** Searches and globs stop at their deadline and on cancel (issue 13, finding 7); line ranges stream (finding 8). */
class WorkspaceBoundsTest {

    static final ToolContext CTX = new ToolContext("run", "step", "coder", "call-1");
    static final Duration WAIT = Duration.ofSeconds(60);
    /** Backtracks for ~n^4 steps on a line of n 'x' without a 'y': 501 bytes never answer. */
    static final String CATASTROPHIC = "x*x*x*x*y";

    @TempDir
    Path root;

    static Map<String, Tool> tools(Workspace workspace) {
        return WorkspaceToolsTest.byName(WorkspaceTools.create(workspace));
    }

    static JsonNode args(String json) throws Exception {
        return CadreJson.mapper().readTree(json);
    }

    @Test
    void aCatastrophicRegexStopsAtTheSearchDeadlineWithAnErrorNamingTheLimit() throws Exception {
        Files.writeString(root.resolve("x.txt"), "x".repeat(500) + "\n");
        Map<String, Tool> tools = tools(Workspace.at(root).withSearchTimeout(Duration.ofMillis(500)));
        ToolResult result = tools.get("workspace_search").invoke(args("{\"regex\":\"" + CATASTROPHIC + "\"}"), CTX).block(WAIT);
        assertThat(result.error()).isTrue();
        assertThat(result.text()).isEqualTo("workspace_search stopped after 0.5 s, its time limit (Workspace.searchTimeout);"
                + " use a simpler regular expression or glob, or search fewer files.");
        assertThat(Workspace.at(root).searchTimeout()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void aCatastrophicGlobOrGitignorePatternStopsAtTheDeadline() throws Exception {
        Files.writeString(root.resolve("a".repeat(120) + ".txt"), "a\n");
        Map<String, Tool> tools = tools(Workspace.at(root).withSearchTimeout(Duration.ofMillis(500)));
        ToolResult glob = tools.get("workspace_glob").invoke(args("{\"pattern\":\"" + "**a".repeat(8) + "**b\"}"), CTX).block(WAIT);
        assertThat(glob.error()).isTrue();
        assertThat(glob.text()).startsWith("workspace_glob stopped after 0.5 s, its time limit (Workspace.searchTimeout)");

        // a cloned repository's .gitignore is the attacker's too
        Files.writeString(root.resolve(".gitignore"), "**a".repeat(8) + "**b\n");
        ToolResult search = tools.get("workspace_search").invoke(args("{\"regex\":\"a\"}"), CTX).block(WAIT);
        assertThat(search.text()).startsWith("workspace_search stopped after 0.5 s");
        assertThat(tools.get("workspace_glob").invoke(args("{\"pattern\":\"*.txt\"}"), CTX).block(WAIT).text())
                .startsWith("workspace_glob stopped after 0.5 s");
    }

    @Test
    void cancellingASearchStopsItsThread() throws Exception {
        Files.writeString(root.resolve("x.txt"), "x".repeat(500) + "\n");
        Map<String, Tool> tools = tools(Workspace.at(root).withSearchTimeout(Duration.ofHours(1)));
        AtomicReference<Subscription> subscription = new AtomicReference<>();
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread worker = new Thread(() -> tools.get("workspace_search").invoke(json("{\"regex\":\"" + CATASTROPHIC + "\"}"), CTX)
                .subscribe(new BaseSubscriber<ToolResult>() {
                    @Override
                    protected void hookOnSubscribe(Subscription s) {
                        subscription.set(s);
                        s.request(1);
                    }

                    @Override
                    protected void hookOnNext(ToolResult value) {
                        outcome.set(value);
                    }
                }), "search-worker");
        worker.setDaemon(true); // on failure, do not keep the test JVM alive
        worker.start();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!inRegex(worker) && System.nanoTime() < until) {
            Thread.sleep(10);
        }
        assertThat(inRegex(worker)).as("the search is matching").isTrue();
        subscription.get().cancel();
        worker.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(worker.isAlive()).as("the search thread stopped after the call was cancelled").isFalse();
        assertThat(outcome.get()).as("a cancelled call answers nobody").isNull();
    }

    private static boolean inRegex(Thread thread) {
        return Arrays.stream(thread.getStackTrace()).anyMatch(f -> f.getClassName().startsWith("java.util.regex"));
    }

    private static JsonNode json(String text) {
        try {
            return args(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aLineRangeOfA400MiBFileStreamsInBoundedMemory() throws Exception {
        Path big = root.resolve("big.log");
        StringBuilder head = new StringBuilder();
        for (int i = 1; i <= 2000; i++) {
            head.append("line ").append(i).append('\n');
        }
        Files.writeString(big, head);
        long size = 400L * 1024 * 1024;
        try (RandomAccessFile file = new RandomAccessFile(big.toFile(), "rw")) {
            file.setLength(size); // sparse: the rest is one 400 MiB line of NUL bytes, after the first 8,000 bytes
        }
        Map<String, Tool> tools = tools(Workspace.at(root));
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        ToolResult first = tools.get("workspace_read").invoke(args("{\"path\":\"big.log\",\"start_line\":1,\"end_line\":2}"), CTX).block(WAIT);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(first.error()).as(first.text()).isFalse();
        assertThat(first.text()).isEqualTo("line 1\nline 2");
        assertThat(first.structured().get("total_lines").asLong()).isEqualTo(2001);
        assertThat(allocated).as("bytes allocated reading 2 lines of a %d-byte file", size).isLessThan(16L * 1024 * 1024);

        before = threads.getCurrentThreadAllocatedBytes();
        ToolResult longLine = tools.get("workspace_read").invoke(args("{\"path\":\"big.log\",\"start_line\":2001}"), CTX).block(WAIT);
        allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(longLine.text()).isEqualTo("Line 2001 of 'big.log' is over the read limit of 1048576 bytes; read fewer lines.");
        assertThat(allocated).as("a 400 MiB line is not kept").isLessThan(16L * 1024 * 1024);
    }

    @Test
    void lineRangesKeepTheirMeaning() throws Exception {
        Files.writeString(root.resolve("a.txt"), "one\r\ntwo\n\nfour");
        Files.writeString(root.resolve("empty.txt"), "");
        Map<String, Tool> tools = tools(new Workspace(root, 9, 100));
        assertThat(read(tools, "{\"path\":\"a.txt\",\"start_line\":2,\"end_line\":9}").text()).isEqualTo("two\n\nfour");
        assertThat(read(tools, "{\"path\":\"a.txt\",\"start_line\":1,\"end_line\":1}").text()).isEqualTo("one\r");
        assertThat(read(tools, "{\"path\":\"a.txt\",\"start_line\":5}").text()).isEqualTo("File 'a.txt' has 4 lines; line 5 does not exist.");
        assertThat(read(tools, "{\"path\":\"a.txt\",\"start_line\":1,\"end_line\":4}").text())
                .isEqualTo("Lines 1-4 of 'a.txt' are over the read limit of 9 bytes; read fewer lines.");
        assertThat(read(tools, "{\"path\":\"empty.txt\"}").text()).isEmpty();
        Files.writeString(root.resolve("b.txt"), "ab\n");
        assertThat(read(tools, "{\"path\":\"b.txt\"}").text()).isEqualTo("ab\n");
        assertThat(read(tools, "{\"path\":\"b.txt\",\"start_line\":1,\"end_line\":1}").text()).isEqualTo("ab\n");
    }

    private static ToolResult read(Map<String, Tool> tools, String json) throws Exception {
        return tools.get("workspace_read").invoke(args(json), CTX).block(WAIT);
    }
}
