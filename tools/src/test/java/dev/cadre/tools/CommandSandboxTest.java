package dev.cadre.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cadre.api.CadreJson;
import dev.cadre.api.ToolContext;
import dev.cadre.api.ToolResult;
import dev.cadre.api.crew.CommandSandbox;
import dev.cadre.tools.internal.Bubblewrap;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;

/**
 * Commands in the bubblewrap sandbox, with real processes and a real bwrap. Skipped where bwrap is not installed,
 * unless {@code CADRE_SANDBOX=required} (as in CI), where a missing sandbox fails every test.
 */
class CommandSandboxTest {

    static final ToolContext CTX = new ToolContext("run", "step", "coder", "call-1");

    @TempDir
    Path dir;
    Path workspace;
    Path home;
    Path state;
    Map<String, String> env;

    @BeforeEach
    void sandboxAvailable() throws Exception {
        if (!"required".equals(System.getenv("CADRE_SANDBOX"))) {
            assumeTrue(Bubblewrap.find(System.getenv("PATH")).isPresent(), "bwrap is not installed (CADRE_SANDBOX=required fails instead)");
        }
        workspace = Files.createDirectories(dir.resolve("ws"));
        home = Files.createDirectories(dir.resolve("home"));
        state = Files.createDirectories(dir.resolve("state"));
        Files.writeString(home.resolve(".netrc"), "machine example.com password home-secret-line\n");
        Files.writeString(state.resolve("journal.jsonl"), "{\"journal-secret-line\":1}\n");
        env = new HashMap<>(System.getenv());
        env.put("HOME", home.toString());
        env.put("CADRE_STATE_DIR", state.toString());
        env.put("OPENAI_API_KEY", "sk-planted-in-the-map");
    }

    CommandRunner runner(Duration timeout, CommandSandbox sandbox, String... allowed) {
        CommandRunner runner = new CommandRunner(Workspace.at(workspace), List.of(allowed), timeout, 64 * 1024, env, sandbox.required());
        assertThat(runner.sandboxed()).isTrue();
        return runner;
    }

    static ToolResult run(CommandRunner runner, String command) {
        return runner.invoke(CadreJson.mapper().createObjectNode().put("command", command), CTX).block();
    }

    /** Finding 9: a command read the secrets scrubbed from its environment through /proc/&lt;parent&gt;/environ. */
    @Test
    void noOtherProcessEnvironmentIsReadable() throws Exception {
        ProcessBuilder builder = new ProcessBuilder("sleep", "60");
        builder.environment().put("PLANTED_SECRET", "sk-planted-in-a-process");
        Process neighbour = builder.start();
        try {
            String neighbours = "cat /proc/" + neighbour.pid() + "/environ";
            String parents = "sh -c 'cat /proc/$PPID/environ; echo; cat /proc/1/environ; echo; cat /proc/[0-9]*/environ'";
            CommandRunner runner = runner(Duration.ofSeconds(20), CommandSandbox.DEFAULT, neighbours, parents);
            ToolResult other = run(runner, neighbours);
            assertThat(other.text()).doesNotContain("sk-planted-in-a-process").doesNotContain("PLANTED_SECRET");
            assertThat(other.structured().get("exit_code").asInt()).as("there is no such process in the sandbox").isNotZero();
            String seen = run(runner, parents).text();
            assertThat(seen).doesNotContain("sk-planted-in-the-map").doesNotContain("sk-planted-in-a-process");
            Map<String, String> passed = CommandRunner.scrub(System.getenv());
            // PWD is set by bwrap itself (to the workspace).
            List<String> unpassed = System.getenv().keySet().stream().filter(k -> !passed.containsKey(k) && !k.equals("PWD")).toList();
            assertThat(unpassed).as("this JVM has variables a command must not see").isNotEmpty();
            unpassed.forEach(name -> assertThat(seen).as(name).doesNotContain(name + "="));
        } finally {
            neighbour.destroyForcibly();
        }
    }

    /** Finding 10: a double-forked setsid daemon outlived the run; in the sandbox it dies at the timeout. */
    @Test
    void aSetsidDaemonDiesAtTheTimeout() throws Exception {
        String daemon = daemonCommand();
        ToolResult result = run(runner(Duration.ofSeconds(2), CommandSandbox.DEFAULT, daemon), daemon);
        assertThat(result.structured().get("timed_out").asBoolean()).isTrue();
        Heartbeat.awaitStart(workspace.resolve("beat"));
        Heartbeat.assertStops(workspace.resolve("beat"));
    }

    /** Finding 10, on cancel: cancelling the call kills the whole tree, a setsid daemon included. */
    @Test
    void aSetsidDaemonDiesWhenTheCallIsCancelled() throws Exception {
        String daemon = daemonCommand();
        CommandRunner runner = runner(Duration.ofMinutes(2), CommandSandbox.DEFAULT, daemon);
        Disposable call = runner.invoke(CadreJson.mapper().createObjectNode().put("command", daemon), CTX)
                .subscribeOn(reactor.core.scheduler.Schedulers.boundedElastic()).subscribe();
        Heartbeat.awaitStart(workspace.resolve("beat"));
        call.dispose();
        Heartbeat.assertStops(workspace.resolve("beat"));
    }

    /** A daemon in the classic shape: a subshell starts it in a new session and exits, so it is re-parented. */
    static String daemonCommand() {
        return "sh -c '(setsid sh -c \"" + Heartbeat.loop("beat").replace("$", "\\$") + "\" </dev/null >/dev/null 2>&1 &); sleep 60'";
    }

    /** Only the workspace is writable: the host's /tmp, $HOME, Cadre's state directory, the workspace's parent and declared
     *  readable paths are not; what is in the home and the state directory is not even visible. */
    @Test
    void writesOutsideTheWorkspaceDoNotLand() throws Exception {
        Path hostTmp = Path.of(System.getProperty("java.io.tmpdir"), "cadre-sandbox-" + UUID.randomUUID());
        Path readOnly = Files.createDirectories(dir.resolve("tools"));
        String command = "sh -c 'echo x > " + hostTmp + "; echo x > " + home + "/pwned; echo x > " + state + "/pwned;"
                + " echo x > ../pwned; echo x > " + readOnly + "/pwned; cat " + home + "/.netrc " + state + "/journal.jsonl; ls -a " + state
                + " " + home + "; echo x > made-here; exit 0'";
        ToolResult result = run(runner(Duration.ofSeconds(20), CommandSandbox.DEFAULT.withReadable(readOnly), command), command);
        try {
            assertThat(workspace.resolve("made-here")).as("the workspace is writable").exists();
            assertThat(hostTmp).doesNotExist();
            assertThat(home.resolve("pwned")).doesNotExist();
            assertThat(state.resolve("pwned")).doesNotExist();
            assertThat(dir.resolve("pwned")).doesNotExist();
            assertThat(readOnly.resolve("pwned")).as("a declared readable path is read-only").doesNotExist();
            assertThat(result.structured().get("output").asText()).doesNotContain("home-secret-line").doesNotContain("journal-secret-line")
                    .doesNotContain("\njournal.jsonl\n").doesNotContain("\n.netrc\n").contains("Read-only file system");
        } finally {
            Files.deleteIfExists(hostTmp);
        }
    }

    /** A declared path that a command can turn into a symlink (one in the workspace) is not bound where it points. */
    @Test
    void aDeclaredPathInTheWorkspaceCannotExposeTheHome() throws Exception {
        Files.createSymbolicLink(workspace.resolve("cache"), home);
        String command = "sh -c 'echo x > cache/pwned; cat cache/.netrc; exit 0'";
        ToolResult result = run(runner(Duration.ofSeconds(20), CommandSandbox.DEFAULT.withWritable(workspace.resolve("cache")), command),
                command);
        assertThat(home.resolve("pwned")).doesNotExist();
        assertThat(result.structured().get("output").asText()).doesNotContain("home-secret-line");
    }

    /** No network by default (a new, empty network namespace); the crew may allow it. */
    @Test
    void noNetworkUnlessAllowed() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            server.configureBlocking(false);
            String connect = "bash -c 'echo hello > /dev/tcp/127.0.0.1/" + server.socket().getLocalPort() + "'";
            ToolResult refused = run(runner(Duration.ofSeconds(20), CommandSandbox.DEFAULT, connect), connect);
            assertThat(refused.structured().get("exit_code").asInt()).isNotZero();
            assertThat(server.accept()).as("no connection reached the host's loopback").isNull();

            ToolResult allowed = run(runner(Duration.ofSeconds(20), CommandSandbox.DEFAULT.withNetwork(true), connect), connect);
            assertThat(allowed.structured().get("exit_code").asInt()).as(allowed.text()).isZero();
            try (var accepted = server.accept()) {
                assertThat(accepted).as("the connection arrived").isNotNull();
            }
        }
    }

    /** The JDK is readable (a single-file program runs, as the sample crews' tests do) and declared paths are writable. */
    @Test
    void theJdkRunsAndDeclaredPathsAreWritable() throws Exception {
        Path cache = home.resolve(".m2");
        Files.writeString(workspace.resolve("Hello.java"), """
                public class Hello {
                    public static void main(String[] args) throws Exception {
                        java.nio.file.Files.writeString(java.nio.file.Path.of(args[0], "from-java"), "hi");
                        java.nio.file.Files.writeString(java.nio.file.Path.of("written"), "hi");
                        System.out.println("java " + System.getProperty("java.version"));
                    }
                }
                """);
        String command = "java Hello.java " + cache;
        ToolResult result = run(runner(Duration.ofMinutes(1), CommandSandbox.DEFAULT.withWritable(cache), command), command);
        assertThat(result.error()).as(result.text()).isFalse();
        assertThat(result.text()).contains("\njava ");
        assertThat(cache.resolve("from-java")).as("a declared cache directory is created and writable").hasContent("hi");
        assertThat(workspace.resolve("written")).hasContent("hi");
    }
}
