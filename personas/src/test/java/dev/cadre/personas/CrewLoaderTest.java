package dev.cadre.personas;

import static dev.cadre.testkit.CadreAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.api.HumanGate;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.RiskLevel;
import dev.cadre.api.RunHandle;
import dev.cadre.api.Task;
import dev.cadre.api.Tool;
import dev.cadre.api.crew.Crew;
import dev.cadre.api.crew.Review;
import dev.cadre.api.crew.Step;
import dev.cadre.orchestrator.Orchestrator;
import dev.cadre.testkit.Reply;
import dev.cadre.testkit.ScriptedModel;
import dev.cadre.tools.StandardTools;
import dev.cadre.tools.Workspace;
import dev.cadre.tools.WorkspaceTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CrewLoaderTest {

    @TempDir
    Path dir;

    List<Tool> tools() {
        return WorkspaceTools.create(Workspace.at(dir));
    }

    CrewLoader loader() {
        return CrewLoader.of(PersonaLibrary.builtIn(), tools());
    }

    Path sample(String name) throws Exception {
        return Path.of(getClass().getResource("/crews/" + name).toURI());
    }

    Path write(String name, String text) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    @Test
    void loadsASequentialCrewWithInlinePersonasReviewsAndInputs() throws Exception {
        CrewFile file = loader().load(sample("sequential.yaml"));
        Crew crew = file.crew();
        assertThat(crew.name()).isEqualTo("blog-post");
        assertThat(file.inputs()).containsEntry("topic", "Project Reactor");
        Step.Sequential seq = (Step.Sequential) crew.process();
        assertThat(seq.steps()).extracting(Step::name).containsExactly("research", "draft");
        Step.Work draft = (Step.Work) seq.steps().get(1);
        assertThat(draft.review()).isEqualTo(Review.afterWork());
        assertThat(draft.task().context()).containsExactly("research");
        assertThat(draft.agent().tools()).extracting(Tool::name).contains("workspace_write", "workspace_read");
        Step.Work research = (Step.Work) seq.steps().get(0);
        assertThat(research.agent().persona().role()).isEqualTo("Researcher of {topic}");
        assertThat(research.agent().persona().instructions()).startsWith("Summarise in at most a third");

        ScriptedModel model = ScriptedModel.builder().agent("researcher", Reply.text("1. fast"))
                .agent("writer", Reply.text("# Reactor")).build();
        Orchestrator orchestrator = Orchestrator.builder().models(ModelRegistry.of("scripted:m", model))
                .runsDirectory(dir.resolve("runs")).gate(HumanGate.autoApprove()).build();
        RunHandle run = orchestrator.run(crew, Task.of("post", "Blog post").withInputs(file.inputs()));
        assertThat(run).succeeded().hasOutput("# Reactor");
        assertThat(model.requestsFor("researcher").get(0).request().messages().get(0).toString()).contains("Researcher of Project Reactor");
        assertThat(model.requestsFor("writer").get(0).lastUserText()).contains("## Context: research\n1. fast");
    }

    @Test
    void loadsALoopCrewWithItsPolicyAndRunsIt() throws Exception {
        Crew crew = loader().load(sample("loop.yaml")).crew();
        Step.Loop loop = (Step.Loop) crew.process();
        assertThat(loop.maxIterations()).isEqualTo(3);
        assertThat(loop.until().describe()).isEqualTo("review.verdict is APPROVED");
        assertThat(crew.policy().runBudget().maxTokens()).isEqualTo(200000);
        assertThat(crew.policy().runBudget().maxWallTime()).isEqualTo(Duration.ofMinutes(30));
        assertThat(crew.policy().approveToolsFrom()).isEqualTo(RiskLevel.WRITES);
        assertThat(crew.policy().retry().maxRetries()).isEqualTo(2);
        assertThat(crew.policy().retry().firstBackoff()).isEqualTo(Duration.ofSeconds(1));

        ScriptedModel model = ScriptedModel.builder()
                .agent("coder", Reply.text("done v1"), Reply.text("done v2"))
                .agent("reviewer", Reply.text("{\"verdict\":\"CHANGES_REQUESTED\",\"feedback\":\"add a test\"}"),
                        Reply.text("{\"verdict\":\"APPROVED\",\"feedback\":\"good\"}")).build();
        Orchestrator orchestrator = Orchestrator.builder().models(ModelRegistry.of("scripted:m", model))
                .runsDirectory(dir.resolve("runs")).build();
        var result = orchestrator.run(crew, Task.of("fix", "a parser")).result().block(Duration.ofSeconds(20));
        assertThat(result).succeeded();
        assertThat(result.outcomes()).containsEntry("review-loop", "converged after 2 iterations: review.verdict is APPROVED");
    }

    @Test
    void loadsParallelHierarchicalDebateAndVoteCrews() throws Exception {
        Step.Sequential board = (Step.Sequential) loader().load(sample("parallel.yaml")).crew().process();
        Step.Parallel reviews = (Step.Parallel) board.steps().get(0);
        assertThat(reviews.branches()).extracting(Step::name).containsExactly("security-review", "design-review", "test-review");
        assertThat(reviews.maxConcurrency()).isEqualTo(3);

        Step.Hierarchical team = (Step.Hierarchical) loader().load(sample("hierarchical.yaml")).crew().process();
        assertThat(team.manager().persona().role()).isEqualTo("Engineering manager");
        assertThat(team.workers()).extracting(w -> w.name()).containsExactly("coder", "tester", "writer");
        assertThat(team.maxDelegations()).isEqualTo(6);

        CrewFile estimate = loader().load(sample("debate.yaml"));
        Step.Sequential seq = (Step.Sequential) estimate.crew().process();
        Step.Debate debate = (Step.Debate) seq.steps().get(0);
        assertThat(debate.debaters()).extracting(a -> a.id()).containsExactly("optimist", "skeptic", "pragmatist");
        assertThat(debate.debaters().get(2).persona().model()).isEqualTo("openai:gpt-4.1-mini");
        assertThat(debate.rounds()).isEqualTo(2);
        Step.Vote vote = (Step.Vote) seq.steps().get(1);
        assertThat(vote.samples()).isEqualTo(3);
    }

    @Test
    void everyBuiltInPersonaCanBeAnAgent() throws Exception {
        StringBuilder yaml = new StringBuilder("name: all\nagents:\n");
        PersonaLibrary.BUILT_IN.forEach(id -> yaml.append("  ").append(id).append(": ").append(id).append("\n"));
        yaml.append("tasks:\n");
        PersonaLibrary.BUILT_IN.forEach(id -> yaml.append("  - {id: t-").append(id).append(", description: x, agent: ").append(id).append("}\n"));
        Crew crew = loader().load(write("all.yaml", yaml.toString())).crew();
        assertThat(((Step.Sequential) crew.process()).steps()).hasSize(PersonaLibrary.BUILT_IN.size());
    }

    @Test
    void aCrewsAllowedCommandsBecomeItsRunCommandTool() throws Exception {
        Path file = write("cmd.yaml", """
                commands: ["echo tests pass", "ls"]
                agents:
                  coder: {role: Coder, tools: [run_command]}
                tasks:
                  - {id: a, description: x, agent: coder}
                """);
        Crew crew = loader().withCommandTool(c -> StandardTools.commandRunner(Workspace.at(dir), c)).load(file).crew();
        Tool runner = ((Step.Work) ((Step.Sequential) crew.process()).steps().get(0)).agent().tools().get(0);
        assertThat(runner.name()).isEqualTo("run_command");
        assertThat(runner.specification().description()).contains("Allowed: echo tests pass; ls.");
        assertThat(runner.invoke(dev.cadre.api.CadreJson.mapper().createObjectNode().put("command", "echo tests pass"),
                new dev.cadre.api.ToolContext("r", "s", "coder", "c")).block().text()).endsWith("tests pass\n");
        assertThatThrownBy(() -> loader().load(file))
                .hasMessage(file + ":1:1: the crew allows commands, but it is loaded without a way to run them (CrewLoader.withCommandTool)");
    }

    @Test
    void anInlineAgentMayRefineTheLibraryPersonaOfItsOwnName() throws Exception {
        Path file = write("refine.yaml", """
                agents:
                  coder: {extends: coder, model: ollama:qwen2.5-coder}
                tasks:
                  - {id: a, description: x, agent: coder}
                """);
        Step.Work work = (Step.Work) ((Step.Sequential) loader().load(file).crew().process()).steps().get(0);
        assertThat(work.agent().id()).isEqualTo("coder");
        assertThat(work.agent().persona().model()).isEqualTo("ollama:qwen2.5-coder");
        assertThat(work.agent().persona().role()).isEqualTo("Senior software engineer");
    }

    @Test
    void jsonCrewFilesWork() throws Exception {
        Path file = write("crew.json", """
                {
                  // JSON with comments is fine
                  "name": "j",
                  "tasks": [{"id": "a", "description": "Do A.", "agent": "summarizer"},],
                }
                """);
        assertThat(loader().load(file).crew().name()).isEqualTo("j");
    }

    @Test
    void eachMistakeIsOneErrorAtItsExactLocation() throws Exception {
        Path unknownKey = write("k.yaml", """
                name: x
                agents:
                  coder:
                    extends: coder
                    rol: Java coder
                """);
        assertThatThrownBy(() -> loader().load(unknownKey))
                .hasMessage(unknownKey + ":5:5: unknown key 'rol' in a persona — did you mean 'role'?");

        Path taskKey = write("t.yaml", """
                tasks:
                  - id: a
                    descripton: Do it.
                    agent: coder
                """);
        assertThatThrownBy(() -> loader().load(taskKey))
                .hasMessage(taskKey + ":3:5: unknown key 'descripton' in a task — did you mean 'description'?");

        Path wrongType = write("w.yaml", """
                tasks:
                  - {id: a, description: x, agent: coder}
                process:
                  type: loop
                  max_iterations: three
                  steps: [a]
                """);
        assertThatThrownBy(() -> loader().load(wrongType))
                .hasMessage(wrongType + ":5:19: 'max_iterations' must be a whole number, not 'three'");

        Path unknownTool = write("tool.yaml", """
                agents:
                  coder:
                    role: Coder
                    tools:
                      - workspace_read
                      - workspace_reed
                tasks:
                  - {id: a, description: x, agent: coder}
                """);
        assertThatThrownBy(() -> loader().load(unknownTool))
                .hasMessage(unknownTool + ":6:9: persona 'coder' names tool 'workspace_reed', which is not available"
                        + " — did you mean 'workspace_read'?");

        Path unknownPersona = write("p.yaml", """
                agents:
                  checker: reviwer
                tasks:
                  - {id: a, description: x, agent: checker}
                """);
        assertThatThrownBy(() -> loader().load(unknownPersona))
                .hasMessage(unknownPersona + ":2:12: there is no persona 'reviwer' — did you mean 'reviewer'?");

        Path cycle = write("c.yaml", """
                personas:
                  - {id: a, role: A, extends: b}
                  - {id: b, extends: a}
                agents:
                  x: a
                tasks:
                  - {id: t, description: x, agent: x}
                """);
        assertThatThrownBy(() -> loader().load(cycle))
                .hasMessage(cycle + ":2:31: persona 'a' extends itself through a -> b -> a");

        Path unknownAgent = write("a.yaml", """
                agents:
                  coder: coder
                tasks:
                  - id: a
                    description: x
                    agent: codr
                """);
        assertThatThrownBy(() -> loader().load(unknownAgent))
                .hasMessage(unknownAgent + ":6:12: there is no agent 'codr' — did you mean 'coder'?");

        Path unknownContext = write("ctx.yaml", """
                tasks:
                  - {id: code, description: x, agent: coder}
                  - id: review
                    description: y
                    agent: reviewer
                    context: [cod]
                """);
        assertThatThrownBy(() -> loader().load(unknownContext))
                .hasMessage(unknownContext + ":6:15: task 'review' takes context 'cod', which no task or step produces"
                        + " — did you mean 'code'?");

        Path unknownStep = write("s.yaml", """
                tasks:
                  - {id: a, description: x, agent: coder}
                process:
                  type: paralel
                  branches: [a]
                """);
        assertThatThrownBy(() -> loader().load(unknownStep))
                .hasMessage(unknownStep + ":4:9: step type 'paralel' is unknown — did you mean 'parallel'?");

        Path managerAsWorker = write("m.yaml", """
                agents: {lead: manager, coder: coder}
                tasks:
                  - {id: goal, description: x}
                process:
                  type: hierarchical
                  manager: lead
                  goal: goal
                  workers: [coder, lead]
                """);
        assertThatThrownBy(() -> loader().load(managerAsWorker))
                .hasMessage(managerAsWorker + ":5:3: Hierarchical step 'team' lists its manager 'lead' as a worker: a manager"
                        + " delegates to others, never to itself");
    }

    @Test
    void aLoopWithNoExitConditionIsALocatedErrorBeforeTheRun() throws Exception {
        Path bare = write("bare-loop.yaml", """
                tasks:
                  - {id: code, description: x, agent: coder}
                process:
                  type: loop
                  steps: [code]
                """);
        assertThatThrownBy(() -> loader().load(bare))
                .hasMessage(bare + ":3:1: loop step 'loop' has no exit condition: give 'until' (e.g. until: {verdict: {output:"
                        + " review, field: verdict, equals: APPROVED}}) or 'max_iterations'");

        Path never = write("never-loop.yaml", """
                tasks:
                  - {id: code, description: x, agent: coder}
                  - {id: review, description: y, agent: reviewer}
                process:
                  type: loop
                  max_iterations: 3
                  until: {verdict: {output: reviews, field: verdict, equals: APPROVED}}
                  steps: [code, review]
                """);
        assertThatThrownBy(() -> loader().load(never))
                .hasMessage(never + ":7:10: loop step 'loop' ends on the output of 'reviews', which no step of the loop produces,"
                        + " so it has no exit condition — did you mean 'review'?");
        assertThat(loader().load(write("bounded-loop.yaml", """
                tasks:
                  - {id: code, description: x, agent: coder}
                process: {type: loop, max_iterations: 2, steps: [code]}
                """)).crew().process()).isInstanceOf(Step.Loop.class);
    }

    @Test
    void aTasksOutputFileIsKeptAndOneNoStepRunsOnItsOwnIsALocatedError() throws Exception {
        Path written = write("out.yaml", """
                name: c
                executed_files: [pom.xml]
                agents: {a: {role: A}}
                tasks:
                  - {id: t, description: Do it., agent: a, output_file: "reports/{topic}.md"}
                """);
        CrewFile file = loader().withExecutedFiles(StandardTools::withExecutedFiles).load(written);
        assertThat(file.outputFiles()).containsExactly(Map.entry("t", "reports/{topic}.md"));
        assertThat(file.executedFiles()).containsExactly("pom.xml");

        Path team = write("out-team.yaml", """
                agents: {lead: manager, coder: coder}
                tasks:
                  - {id: goal, description: x, output_file: goal.md}
                process:
                  type: hierarchical
                  manager: lead
                  goal: goal
                  workers: [coder]
                """);
        assertThatThrownBy(() -> loader().load(team))
                .hasMessage(team + ":3:45: task 'goal' has an output_file, but no step of the process runs it on its own (a"
                        + " hierarchical manager's goal has no output per task)");
    }

    @Test
    void anEmptyCommandOrAnInvalidToolGlobIsALocatedError() throws Exception {
        Path ws = Files.createDirectories(dir.resolve("ws-empty-commands"));
        Path file = write("empty-commands.yaml", """
                name: c
                commands: ""
                agents:
                  a: {role: A}
                tasks:
                  - {id: t, description: Do it., agent: a}
                """);
        assertThatThrownBy(() -> loader().withCommandTool(c -> StandardTools.commandRunner(Workspace.at(ws), c)).load(file))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("empty-commands.yaml:2:")
                .hasMessageContaining("'commands' is empty");
        Path glob = write("bad-glob.yaml", """
                name: c
                agents:
                  a: {role: A, tools: ["~[]"]}
                tasks:
                  - {id: t, description: Do it., agent: a}
                """);
        assertThatThrownBy(() -> loader().load(glob))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("bad-glob.yaml:3:")
                .hasMessageContaining("tool pattern '~[]' is not a valid glob");
    }
}
