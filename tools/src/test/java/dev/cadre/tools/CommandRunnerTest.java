package dev.cadre.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.api.CadreJson;
import dev.cadre.api.RiskLevel;
import dev.cadre.api.ToolContext;
import dev.cadre.api.ToolResult;
import dev.cadre.api.crew.CommandSandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandRunnerTest {

    @TempDir
    Path root;

    static final ToolContext CTX = new ToolContext("run", "step", "coder", "call-1");

    ToolResult run(CommandRunner runner, String command) {
        return runner.invoke(CadreJson.mapper().createObjectNode().put("command", command), CTX).block();
    }

    CommandRunner runner(Duration timeout, int keep, String... allowed) {
        Map<String, String> env = new java.util.HashMap<>(System.getenv());
        env.put("OPENAI_API_KEY", "sk-planted-secret");
        env.put("GITHUB_TOKEN", "ghp_planted");
        env.put("HOME", root.toString());
        return new CommandRunner(Workspace.at(root), List.of(allowed), timeout, keep, env);
    }

    @Test
    void runsAnAllowedCommandWithoutAShell() {
        CommandRunner runner = runner(Duration.ofSeconds(20), 4096, "echo hello; rm -rf / && $(whoami)", "ls");
        ToolResult result = run(runner, "echo hello; rm -rf / && $(whoami)");
        assertThat(result.error()).isFalse();
        assertThat(result.text()).isEqualTo("'echo hello; rm -rf / && $(whoami)' exited with code 0.\nhello; rm -rf / && $(whoami)\n");
        assertThat(result.structured().get("exit_code").asInt()).isZero();
        assertThat(runner.risk()).isEqualTo(RiskLevel.EXECUTES);
        assertThat(runner.idempotent()).isFalse();
    }

    @Test
    void refusesCommandsOffTheList() {
        CommandRunner runner = runner(Duration.ofSeconds(20), 4096, "echo ok");
        ToolResult result = run(runner, "echo ok && curl evil.example");
        assertThat(result.error()).isTrue();
        assertThat(result.text()).isEqualTo("The command 'echo ok && curl evil.example' is not allowed. Allowed commands: echo ok.");
        assertThat(run(runner, "  echo   ok ").error()).isFalse();
        assertThatThrownBy(() -> runner(Duration.ofSeconds(1), 10)).hasMessageContaining("needs at least one allowed command");
    }

    @Test
    void killsACommandAndItsChildrenPastTheTimeout() throws Exception {
        String command = "sh -c '" + Heartbeat.loop("beat") + " & wait'";
        CommandRunner runner = runner(Duration.ofMillis(1500), 4096, command);
        long start = System.nanoTime();
        ToolResult result = run(runner, command);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
        assertThat(result.error()).isTrue();
        assertThat(result.text()).startsWith("'" + command + "' did not finish within 1 s and was killed.");
        assertThat(result.structured().get("timed_out").asBoolean()).isTrue();
        Heartbeat.assertStops(root.resolve("beat"));
    }

    /** Without bwrap on the PATH the runner falls back to plain processes, or refuses to be made when the sandbox is required. */
    @Test
    void fallsBackWithoutBubblewrapUnlessTheSandboxIsRequired() throws Exception {
        Path bin = Files.createDirectories(root.resolve("empty-bin"));
        Map<String, String> env = Map.of("PATH", bin.toString(), "HOME", root.toString());
        CommandRunner plain = new CommandRunner(Workspace.at(root), List.of("/bin/echo ok"), Duration.ofSeconds(20), 4096, env);
        assertThat(plain.sandboxed()).isFalse();
        assertThat(run(plain, "/bin/echo ok").text()).isEqualTo("'/bin/echo ok' exited with code 0.\nok\n");
        assertThatThrownBy(() -> new CommandRunner(Workspace.at(root), List.of("/bin/echo ok"), Duration.ofSeconds(20), 4096, env,
                CommandSandbox.DEFAULT.required()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("run_command requires an OS sandbox, but bubblewrap (bwrap) is not on the PATH.");
        CommandRunner off = new CommandRunner(Workspace.at(root), List.of("/bin/echo ok"), Duration.ofSeconds(20), 4096, System.getenv(),
                CommandSandbox.DEFAULT.withMode(CommandSandbox.Mode.OFF));
        assertThat(off.sandboxed()).isFalse();
    }

    @Test
    void passesNoSecretsAndKeepsHeadAndTail() {
        CommandRunner env = runner(Duration.ofSeconds(20), 4096, "env");
        String out = run(env, "env").text();
        assertThat(out).contains("PATH=").doesNotContain("sk-planted-secret").doesNotContain("ghp_planted").doesNotContain("OPENAI_API_KEY");

        CommandRunner seq = runner(Duration.ofSeconds(20), 64, "seq 1 100000");
        ToolResult big = run(seq, "seq 1 100000");
        assertThat(big.text()).startsWith("'seq 1 100000' exited with code 0.\n1\n2\n3\n").contains("bytes omitted").endsWith("99999\n100000\n");
        assertThat(big.structured().get("output_bytes").asLong()).isEqualTo(588895);
    }

    @Test
    void reportsAFailingExitCodeAndAMissingProgram() {
        CommandRunner runner = runner(Duration.ofSeconds(20), 4096, "sh -c 'echo broken >&2; exit 3'", "no-such-program-xyz");
        ToolResult failed = run(runner, "sh -c 'echo broken >&2; exit 3'");
        assertThat(failed.error()).isTrue();
        assertThat(failed.text()).isEqualTo("'sh -c 'echo broken >&2; exit 3'' exited with code 3.\nbroken\n");
        assertThat(run(runner, "no-such-program-xyz").text()).startsWith("Cannot start 'no-such-program-xyz'");
    }

    /** 17 shell metacharacter payloads reach echo as plain words: none is interpreted, no file appears. */
    @Test
    void shellMetacharactersNeverReachAShell() throws Exception {
        List<String> payloads = List.of("a; touch pwned1", "a && touch pwned2", "a || touch pwned3", "a | tee pwned4",
                "`touch pwned5`", "$(touch pwned6)", "${HOME}", "$HOME", "a > pwned7", "a >> pwned8", "a < /etc/passwd",
                "*", "~", "a & touch pwned9", "a # comment", "a 2>&1", "a\ntouch pwned10");
        int literal = 0;
        for (String payload : payloads) {
            String command = "echo " + payload;
            CommandRunner runner = runner(Duration.ofSeconds(20), 4096, command);
            ToolResult result = run(runner, command);
            assertThat(result.error()).as(command).isFalse();
            String echoed = String.join(" ", CommandRunner.split(payload));
            assertThat(result.text()).as(command).endsWith("\n" + echoed + "\n");
            literal++;
        }
        assertThat(literal).isEqualTo(17);
        try (var files = Files.list(root)) {
            assertThat(files.map(f -> f.getFileName().toString())).as("no command had a side effect").isEmpty();
        }
    }

    /** Near misses of an allowed command are refused (12 variants); only the same words run. */
    @Test
    void commandsThatOnlyLookAllowedAreRefused() {
        CommandRunner runner = runner(Duration.ofSeconds(20), 4096, "echo ok");
        List<String> refusedCommands = List.of("echo ok;ls", "echo ok ; ls", "echo ok && ls", "echo ok | ls", "echo ok ls", "ECHO ok",
                "/bin/echo ok", "./echo ok", "sh -c 'echo ok'", "echo ok\0", "echo", "echo ok\nls");
        for (String command : refusedCommands) {
            ToolResult result = run(runner, command);
            assertThat(result.error()).as(command).isTrue();
            assertThat(result.text()).as(command).startsWith("The command '").contains("is not allowed. Allowed commands: echo ok.");
        }
        assertThat(run(runner, "echo 'ok'").error()).as("the same words, quoted").isFalse();
        assertThat(run(runner, "\techo ok  ").error()).as("the same words, other spacing").isFalse();
    }

    /** Only allow-listed variables reach a command, and never one whose name says it is a secret (8 planted). */
    @Test
    void theEnvironmentIsScrubbed() {
        Map<String, String> env = new java.util.HashMap<>(Map.of("PATH", System.getenv("PATH"), "HOME", root.toString(),
                "LANG", "C.UTF-8", "FOO", "not-on-the-list"));
        Map<String, String> secrets = Map.of("OPENAI_API_KEY", "planted-1", "ANTHROPIC_API_KEY", "planted-2",
                "CADRE_MCP_TOKEN", "planted-3", "AWS_SECRET_ACCESS_KEY", "planted-4", "DB_PASSWORD", "planted-5",
                "GH_AUTH", "planted-6", "NPM_TOKEN", "planted-7", "GOOGLE_APPLICATION_CREDENTIALS", "planted-8");
        env.putAll(secrets);
        assertThat(CommandRunner.scrub(env)).containsOnlyKeys("PATH", "HOME", "LANG");
        CommandRunner runner = new CommandRunner(Workspace.at(root), List.of("env"), Duration.ofSeconds(20), 4096, env);
        String out = run(runner, "env").text();
        assertThat(out).contains("LANG=C.UTF-8").doesNotContain("FOO").doesNotContain("planted-");
        secrets.keySet().forEach(name -> assertThat(out).doesNotContain(name + "="));
    }

    @Test
    void splitsCommandLinesLikeASimpleArgvParser() {
        assertThat(CommandRunner.split("mvn -q test")).containsExactly("mvn", "-q", "test");
        assertThat(CommandRunner.split("sh -c 'a b' \"c d\"")).containsExactly("sh", "-c", "a b", "c d");
        assertThat(CommandRunner.split("echo a;b|c")).containsExactly("echo", "a;b|c");
    }
}
