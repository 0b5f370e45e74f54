package dev.cadre.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.RunEvent;
import dev.cadre.cli.demo.DemoProject;
import dev.cadre.cli.demo.DemoScript;
import dev.cadre.testkit.Reply;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The `cadre` command in a child JVM: real environment variables, real HTTP to a model stub, a pseudo-terminal. */
class CliProcessTest {

    @TempDir
    Path dir;

    record Outcome(int exit, String stdout, String stderr) {}

    Outcome cadre(Map<String, String> env, String stdin, String... args) throws Exception {
        CadreProcess.Outcome o = CadreProcess.run(dir, env, stdin, args);
        return new Outcome(o.exit(), o.stdout(), o.stderr());
    }

    Path project() {
        return DemoProject.copyTo(dir.resolve("calculator"));
    }

    static void assertFixed(Path project) throws Exception {
        assertThat(Files.readString(project.resolve("src/Calculator.java"))).contains("return (double) sum / values.length;");
    }

    @Test
    void theCoderReviewerCrewRunsOverHttpWithTheRealOpenAiClient() throws Exception {
        Path project = project();
        try (ModelStubServer stub = new ModelStubServer(DemoScript.inOrder()).failFirst(429, 500)) {
            Outcome run = cadre(Map.of("OPENAI_BASE_URL", stub.openAiUrl(), "OPENAI_API_KEY", "sk-test"), "",
                    "run", "coder-reviewer", "--task", DemoScript.TASK, "--workspace", project.toString(), "--model", "openai:gpt-4.1-mini",
                    "--runs", dir.resolve("runs").toString(), "--json", "--yes");
            assertThat(run.exit()).as(run.stderr()).isZero();
            assertThat(run.stdout().lines()).allSatisfy(l -> assertThat(l).startsWith("{\"type\":"));
            assertThat(run.stdout()).contains("\"type\":\"run_finished\"");
            assertFixed(project);
            assertThat(stub.remaining()).isZero();
            assertThat(stub.requests.get(0).path("model").asText()).isEqualTo("gpt-4.1-mini");
            assertThat(stub.requests.get(2).path("tools").toString()).contains("workspace_edit").contains("run_command");
            assertThat(stub.requests.stream().filter(r -> r.has("response_format")).count()).as("the reviewer asks for JSON").isPositive();
        }
    }

    @Test
    void theDebateAndHierarchicalCrewsRunOverHttpToo() throws Exception {
        Reply yes = Reply.text("{\"answer\":\"yes\",\"reasons\":\"lower latency\"}");
        try (ModelStubServer stub = new ModelStubServer(List.of(yes, yes, yes, Reply.text("Yes: all three agree.")))) {
            Outcome debate = cadre(Map.of("OPENAI_BASE_URL", stub.openAiUrl(), "CADRE_MODEL", "openai:gpt-4.1-mini"), "",
                    "run", "debate", "--task", "Should we adopt virtual threads?", "--yes");
            assertThat(debate.exit()).as(debate.stdout() + debate.stderr()).isZero();
            assertThat(debate.stdout()).contains("Yes: all three agree.").contains("judge decided after round 0 (the debaters agreed)");
        }
        Path project = project();
        List<Reply> team = List.of(
                Reply.toolCall("delegate", "{\"worker\":\"coder\",\"subtask\":\"Add Calculator.min\"}"), Reply.text("Added min."),
                Reply.toolCall("delegate", "{\"worker\":\"tester\",\"subtask\":\"Test min\"}"), Reply.text("Tested min."),
                Reply.toolCall("delegate", "{\"worker\":\"writer\",\"subtask\":\"Document min\"}"), Reply.text("Documented min."),
                Reply.toolCall("finish", "{\"answer\":\"min is added, tested and documented.\"}"));
        try (ModelStubServer stub = new ModelStubServer(team)) {
            Outcome run = cadre(Map.of("OPENAI_BASE_URL", stub.openAiUrl(), "CADRE_MODEL", "openai:gpt-4.1-mini"), "",
                    "run", "hierarchical", "--task", "Add Calculator.min", "--workspace", project.toString(),
                    "--runs", dir.resolve("runs").toString(), "--yes");
            assertThat(run.exit()).as(run.stdout() + run.stderr()).isZero();
            assertThat(run.stdout()).contains("min is added, tested and documented.").contains("3 delegations");
            assertThat(stub.remaining()).isZero();
        }
    }

    @Test
    void theCoderReviewerCrewRunsOverOllamasApi() throws Exception {
        Path project = project();
        try (ModelStubServer stub = new ModelStubServer(DemoScript.inOrder())) {
            Outcome run = cadre(Map.of("OLLAMA_BASE_URL", stub.ollamaUrl(), "CADRE_MODEL", "ollama:qwen2.5-coder"), "",
                    "run", "coder-reviewer", "--task", DemoScript.TASK, "--workspace", project.toString(),
                    "--runs", dir.resolve("runs").toString(), "--yes");
            assertThat(run.exit()).as(run.stdout() + run.stderr()).isZero();
            assertThat(run.stdout()).contains("Status:  SUCCEEDED").contains("coder").contains("reviewer");
            assertFixed(project);
            assertThat(stub.requests.get(0).path("model").asText()).isEqualTo("qwen2.5-coder");
        }
    }

    @Test
    void aRunIsForkedFromTheCommandLineWithAnotherModelForOneAgentAndOnlyThatAgentIsAskedAgain() throws Exception {
        Reply yes = Reply.text("{\"answer\":\"yes\",\"reasons\":\"lower latency\"}");
        Path runs = dir.resolve("runs");
        try (ModelStubServer stub = new ModelStubServer(List.of(yes, yes, yes, Reply.text("Yes: all three agree.")))) {
            Outcome debate = cadre(Map.of("OPENAI_BASE_URL", stub.openAiUrl(), "CADRE_MODEL", "openai:gpt-4.1-mini"), "",
                    "run", "debate", "--task", "Should we adopt virtual threads?", "--runs", runs.toString(),
                    "--workspace", Files.createDirectories(dir.resolve("ws")).toString(), "--yes");
            assertThat(debate.exit()).as(debate.stdout() + debate.stderr()).isZero();
        }
        String parent = StoredRuns.only(runs);
        long judgeStarts = StoredRuns.read(runs, parent).events().stream()
                .filter(e -> e instanceof RunEvent.StepStarted s && "judge".equals(s.agent())).findFirst().orElseThrow().seq();
        try (ModelStubServer stub = new ModelStubServer(List.of(Reply.text("No: the costs outweigh it.")))) {
            Outcome fork = cadre(Map.of("OPENAI_BASE_URL", stub.openAiUrl(), "CADRE_MODEL", "openai:gpt-4.1-mini"), "",
                    "runs", "fork", parent, "--at", String.valueOf(judgeStarts - 1), "--model", "judge=openai:gpt-4.1",
                    "--runs", runs.toString(), "--workspace", dir.resolve("ws").toString(), "--yes");
            assertThat(fork.exit()).as(fork.stdout() + fork.stderr()).isZero();
            assertThat(fork.stdout()).contains("No: the costs outweigh it.");
            assertThat(fork.stderr()).contains("is a fork of " + parent + " at event " + (judgeStarts - 1));
            assertThat(stub.requests).singleElement().satisfies(r -> assertThat(r.path("model").asText()).isEqualTo("gpt-4.1"));
            assertThat(stub.remaining()).isZero();
        }
        Outcome bad = cadre(Map.of("CADRE_MODEL", "openai:gpt-4.1-mini", "OPENAI_API_KEY", "sk-test"), "",
                "runs", "fork", parent, "--at", "999", "--runs", runs.toString(), "--workspace", dir.resolve("ws").toString());
        assertThat(bad.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(bad.stderr()).contains("cannot be forked at event 999");
    }

    @Test
    void offATerminalARunStopsAtACheckpointAndResumesLater() throws Exception {
        Path project = project();
        try (ModelStubServer stub = new ModelStubServer(DemoScript.inOrder())) {
            Map<String, String> env = Map.of("OPENAI_BASE_URL", stub.openAiUrl(), "OPENAI_API_KEY", "sk-test",
                    "CADRE_MODEL", "openai:gpt-4.1-mini");
            Outcome waiting = cadre(env, "", "run", "coder-reviewer", "--task", DemoScript.TASK, "--workspace", project.toString(),
                    "--runs", dir.resolve("runs").toString());
            assertThat(waiting.exit()).isEqualTo(ExitCodes.WAITING);
            assertThat(waiting.stderr()).contains("waits at checkpoint").contains("Answer it on a terminal with: cadre runs resume ");
            String runId = StoredRuns.only(dir.resolve("runs"));
            Outcome list = cadre(env, "", "runs", "list", "--runs", dir.resolve("runs").toString());
            assertThat(list.stdout()).contains(runId).contains("coder-reviewer").contains("waiting or interrupted");
            Outcome resumed = cadre(env, "", "runs", "resume", runId, "--workspace", project.toString(),
                    "--runs", dir.resolve("runs").toString(), "--yes");
            assertThat(resumed.exit()).as(resumed.stdout() + resumed.stderr()).isZero();
            assertFixed(project);
            List<RunEvent> events = StoredRuns.read(dir.resolve("runs"), runId).events();
            assertThat(events.get(events.size() - 1)).isInstanceOf(RunEvent.RunFinished.class);
            assertThat(events.stream().filter(RunEvent.RunStarted.class::isInstance)).hasSize(1);
        }
    }

    @Test
    void withoutAModelRunSaysHowToConfigureOne() throws Exception {
        Outcome run = cadre(Map.of(), "", "run", "debate", "--task", "Tabs or spaces?");
        assertThat(run.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.stderr().strip()).startsWith("cadre: No model is configured: set CADRE_MODEL, for example")
                .doesNotContain("Exception");
        Outcome key = cadre(Map.of("CADRE_MODEL", "anthropic:claude-sonnet-4-5"), "", "run", "debate", "--task", "x", "--yes");
        assertThat(key.stdout() + key.stderr()).contains("ANTHROPIC_API_KEY is not set: export it to use anthropic:claude-sonnet-4-5.");
    }

    @Test
    void theDemoAsksItsCheckpointsInAPseudoTerminal() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")), "util-linux script provides the pseudo-terminal");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String inner = java + " -cp " + System.getProperty("java.class.path") + " dev.cadre.cli.Main demo --runs " + dir.resolve("runs");
        ProcessBuilder builder = new ProcessBuilder("/usr/bin/script", "-qefc", inner, "/dev/null").directory(dir.toFile());
        builder.environment().keySet().removeIf(k -> (k.startsWith("CADRE_") && !k.equals("CADRE_STATE_DIR")) || k.startsWith("OPENAI_"));
        File out = dir.resolve("pty.txt").toFile();
        builder.redirectOutput(out).redirectErrorStream(true);
        Process p = builder.start();
        // approve every question: three tool approvals for the coder, one for the reviewer, the sign-off
        for (int i = 0; i < 12 && p.isAlive(); i++) {
            Thread.sleep(1500);
            try {
                p.getOutputStream().write("a\n".getBytes(StandardCharsets.UTF_8));
                p.getOutputStream().flush();
            } catch (java.io.IOException finished) {
                break; // the demo ended: no more questions
            }
        }
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String screen = Files.readString(out.toPath());
        assertThat(p.exitValue()).as(screen).isZero();
        assertThat(screen).contains("scripted model whose replies were written in advance")
                .contains("? Agent 'coder' wants to call run_command (executes). Allow it?")
                .contains("[a]pprove  [r]eject with feedback  [e]dit  a[b]ort >")
                .contains("? Review the output of agent 'writer' for step 'summary'.")
                .contains("Status:  SUCCEEDED")
                .contains("\u001b[2m▶ ");
    }
}
