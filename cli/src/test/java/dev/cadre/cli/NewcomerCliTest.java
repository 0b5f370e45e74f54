package dev.cadre.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.RunEvent;
import dev.cadre.testkit.Reply;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The paths a new user walks, tried as one would: each mistake found before the run, each hint a command that works. */
class NewcomerCliTest {

    @TempDir
    Path dir;

    CadreProcess.Outcome cadre(Map<String, String> env, String... args) throws Exception {
        return CadreProcess.run(dir, env, "", args);
    }

    /** The ids of the runs journaled in the test's runs directory. */
    List<String> journals() {
        return StoredRuns.ids(dir.resolve("runs"));
    }

    @Test
    void aRunResumesInItsOwnWorkspaceWithoutFlagsAndTheHintIsACommandThatWorks() throws Exception {
        Path workspace = Files.createDirectories(dir.resolve("project"));
        Path crew = Files.writeString(dir.resolve("note.yaml"), """
                name: note
                agents:
                  writer: {role: Writer, tools: [workspace_write]}
                tasks:
                  - {id: note, description: Write note.txt, agent: writer, human_review: before}
                """);
        try (ModelStubServer stub = new ModelStubServer(List.of(
                Reply.toolCall("workspace_write", "{\"path\":\"note.txt\",\"content\":\"hello\"}"), Reply.text("Wrote note.txt.")))) {
            Map<String, String> env = Map.of("OPENAI_BASE_URL", stub.openAiUrl(), "CADRE_MODEL", "openai:gpt-4.1-mini");
            CadreProcess.Outcome started = cadre(env, "run", crew.toString(), "--task", "a note", "--workspace", workspace.toString(),
                    "--runs", dir.resolve("runs").toString());
            assertThat(started.exit()).as(started.stderr()).isEqualTo(ExitCodes.WAITING);
            String runId = journals().get(0);
            assertThat(started.stderr()).contains("Answer it on a terminal with: cadre runs resume " + runId + " --runs " + dir.resolve("runs")
                    + " (add --yes to approve every checkpoint).");
            RunEvent.RunStarted first = (RunEvent.RunStarted) StoredRuns.read(dir.resolve("runs"), runId).events().get(0);
            assertThat(first.workspace()).isEqualTo(workspace.toAbsolutePath().normalize().toString());

            // from another directory, the hint's command plus --yes
            CadreProcess.Outcome resumed = CadreProcess.run(Files.createDirectories(dir.resolve("elsewhere")), env, "",
                    "runs", "resume", runId, "--runs", dir.resolve("runs").toString(), "--yes");
            assertThat(resumed.exit()).as(resumed.stderr()).isZero();
            assertThat(workspace.resolve("note.txt")).hasContent("hello");
            assertThat(dir.resolve("elsewhere/note.txt")).doesNotExist();

            CadreProcess.Outcome other = cadre(env, "runs", "resume", runId, "--runs", dir.resolve("runs").toString(),
                    "--workspace", dir.resolve("elsewhere").toString());
            assertThat(other.stderr().strip()).isEqualTo("cadre: Run '" + runId + "' works in " + workspace.toAbsolutePath().normalize()
                    + ", not in " + dir.resolve("elsewhere") + "; resume it without --workspace.");
        }
    }

    @Test
    void theCoderReviewerCrewProposesTheProjectsTestCommand() throws Exception {
        Path project = Files.createDirectories(dir.resolve("my-project"));
        Files.writeString(project.resolve("pom.xml"), "<project/>");
        CadreProcess.Outcome refused = cadre(Map.of(), "run", "coder-reviewer", "--task", "Fix it", "--workspace", project.toString(),
                "--runs", dir.resolve("runs").toString());
        assertThat(refused.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(refused.stderr().strip()).isEqualTo("cadre: The coder-reviewer crew runs java tests/RunTests.java (the bundled demo"
                + " project's tests), which " + project + " does not have; its tests look like mvn -q test (from pom.xml): pass --allow"
                + " \"mvn -q test\", or --yes to accept it.");
        assertThat(journals()).isEmpty();

        List<Reply> replies = List.of(Reply.text("Changed Foo."), Reply.text("{\"verdict\":\"APPROVED\",\"feedback\":\"good\"}"),
                Reply.text("Foo changed; tests pass."));
        for (String[] args : List.of(new String[] {"--yes"}, new String[] {"--yes", "--allow", "make check"})) {
            try (ModelStubServer stub = new ModelStubServer(replies)) {
                List<String> command = new java.util.ArrayList<>(List.of("run", "coder-reviewer", "--task", "Fix it", "--workspace",
                        project.toString(), "--runs", dir.resolve("runs").toString()));
                command.addAll(List.of(args));
                CadreProcess.Outcome run = cadre(Map.of("OPENAI_BASE_URL", stub.openAiUrl(), "CADRE_MODEL", "openai:gpt-4.1-mini"),
                        command.toArray(String[]::new));
                assertThat(run.exit()).as(run.stderr()).isZero();
                String allowed = args.length == 1 ? "mvn -q test" : "make check";
                if (args.length == 1) {
                    assertThat(run.stderr()).contains("This project's tests look like: mvn -q test (from pom.xml). Allowed (--yes).");
                }
                assertThat(stub.requests.get(0).path("tools").toString()).contains(allowed);
            }
        }
        for (String journal : journals()) {
            RunEvent.RunStarted started = (RunEvent.RunStarted) StoredRuns.read(dir.resolve("runs"), journal).events().get(0);
            assertThat(started.crewSource().text()).as("the journal records what the run may do").containsAnyOf("mvn -q test", "make check")
                    .doesNotContain("RunTests");
        }
    }

    @Test
    void theProposalIsAskedOnATerminal() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")), "util-linux script provides the pseudo-terminal");
        Path project = Files.createDirectories(dir.resolve("node-project"));
        Files.writeString(project.resolve("package.json"), "{\"name\": \"x\", \"scripts\": {\"test\": \"node test.js\"}}");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String inner = java + " -cp " + System.getProperty("java.class.path") + " dev.cadre.cli.Main run coder-reviewer --task Fix"
                + " --workspace " + project + " --runs " + dir.resolve("runs");
        ProcessBuilder builder = new ProcessBuilder("/usr/bin/script", "-qefc", inner, "/dev/null").directory(dir.toFile());
        builder.environment().keySet().removeIf(k -> (k.startsWith("CADRE_") && !k.equals("CADRE_STATE_DIR")) || k.startsWith("OPENAI_"));
        File out = dir.resolve("pty.txt").toFile();
        builder.redirectOutput(out).redirectErrorStream(true);
        Process p = builder.start();
        for (int i = 0; i < 40 && p.isAlive() && !Files.readString(out.toPath()).contains("[y/N]"); i++) {
            Thread.sleep(250);
        }
        p.getOutputStream().write("n\n".getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().flush();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String screen = Files.readString(out.toPath());
        assertThat(screen).contains("This project's tests look like: npm test (from package.json). Let the coder-reviewer crew run it? [y/N]")
                .contains("cadre: Not allowed; pass --allow \"the command that runs its tests\" to choose another.");
        assertThat(p.exitValue()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void onATerminalTheAnswerStreamsTokenByToken() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")), "util-linux script provides the pseudo-terminal");
        Path crew = Files.writeString(dir.resolve("solo.yaml"), "name: solo\nagents: {writer: {role: Writer}}\n"
                + "tasks:\n  - {id: write, description: \"Write: {task}\", agent: writer}\n");
        Path workspace = Files.createDirectories(dir.resolve("ws-stream"));
        try (ModelStubServer stub = new ModelStubServer(List.of(Reply.text("Streamed tokens arrive one by one.")))) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            String inner = java + " -cp " + System.getProperty("java.class.path") + " dev.cadre.cli.Main run " + crew + " --task Hello"
                    + " --workspace " + workspace + " --runs " + dir.resolve("runs") + " --yes";
            ProcessBuilder builder = new ProcessBuilder("/usr/bin/script", "-qefc", inner, "/dev/null").directory(dir.toFile());
            builder.environment().keySet().removeIf(k -> (k.startsWith("CADRE_") && !k.equals("CADRE_STATE_DIR")) || k.startsWith("OPENAI_"));
            builder.environment().putAll(Map.of("OPENAI_BASE_URL", stub.openAiUrl(), "OPENAI_API_KEY", "sk-test", "CADRE_MODEL", "openai:gpt-4.1-mini"));
            File out = dir.resolve("pty-stream.txt").toFile();
            builder.redirectOutput(out).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE);
            Process p = builder.start();
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            String screen = Files.readString(out.toPath());
            assertThat(p.exitValue()).as(screen).isZero();
            assertThat(stub.requests.get(0).path("stream").asBoolean()).as("the request asks for a stream").isTrue();
            assertThat(screen).contains("writer ›\u001b[0m Streamed tokens arrive one by one.");
        }
    }

    @Test
    void mistakesAreOneSentenceBeforeTheRunAndLeaveNoJournal() throws Exception {
        Path workspace = Files.createDirectories(dir.resolve("ws"));
        String runs = dir.resolve("runs").toString();
        assertThat(cadre(Map.of("CADRE_MODEL", "openai:gpt-4.1-mini"), "run", "debate", "--task", "x", "--workspace",
                dir.resolve("nope").toString(), "--runs", runs).stderr().strip())
                .isEqualTo("cadre: The workspace " + dir.resolve("nope") + " does not exist; create it, or pass --workspace DIR.");
        assertThat(cadre(Map.of("CADRE_MODEL", "opnai:gpt-4.1-mini"), "run", "debate", "--task", "x", "--workspace", workspace.toString(),
                "--runs", runs).stderr().strip())
                .isEqualTo("cadre: Model 'opnai:gpt-4.1-mini' names provider 'opnai', which Cadre does not know — did you mean 'openai'?"
                        + " Providers: openai, ollama, anthropic.");
        assertThat(cadre(Map.of("CADRE_MODEL", "anthropic:claude-sonnet-4-5"), "run", "debate", "--task", "x", "--workspace",
                workspace.toString(), "--runs", runs).stderr().strip())
                .isEqualTo("cadre: ANTHROPIC_API_KEY is not set: export it to use anthropic:claude-sonnet-4-5.");
        String down = "http://127.0.0.1:" + ModelServersTest.closedPort() + "/v1";
        assertThat(cadre(Map.of("CADRE_MODEL", "openai:gpt-4.1-mini", "OPENAI_BASE_URL", down, "OPENAI_API_KEY", "sk-test"), "run",
                "debate", "--task", "x", "--workspace", workspace.toString(), "--runs", runs).stderr().strip())
                .isEqualTo("cadre: The model server " + down + " (OPENAI_BASE_URL, for openai:gpt-4.1-mini) does not answer: connection"
                        + " refused; start it, or set OPENAI_BASE_URL to a server that runs.");
        Path loop = Files.writeString(dir.resolve("loop.yaml"), "tasks:\n  - {id: code, description: x, agent: coder}\n"
                + "process: {type: loop, steps: [code]}\n");
        assertThat(cadre(Map.of("CADRE_MODEL", "openai:gpt-4.1-mini"), "run", loop.toString(), "--task", "x", "--workspace",
                workspace.toString(), "--runs", runs).stderr().strip())
                .isEqualTo("cadre: " + loop + ":3:1: loop step 'loop' has no exit condition: give 'until' (e.g. until: {verdict:"
                        + " {output: review, field: verdict, equals: APPROVED}}) or 'max_iterations'");
        assertThat(journals()).isEmpty();
    }
}
