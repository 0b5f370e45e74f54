package dev.cadre.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.testkit.Reply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CrewAI projects of both layouts, written for these tests, loaded and run from the command line as a CrewAI user would. */
class CrewAiCliTest {

    @TempDir
    Path dir;

    static final String CREW_PY = """
            from crewai import Agent, Crew, Process, Task
            from crewai.project import CrewBase, agent, crew, task
            from crewai_tools import SerperDevTool, ScrapeWebsiteTool

            @CrewBase
            class LatestAiCrew():
                @agent
                def researcher(self) -> Agent:
                    return Agent(config=self.agents_config['researcher'],
                                 tools=[SerperDevTool(), ScrapeWebsiteTool()], llm="openai/gpt-4o")

                @agent
                def reporting_analyst(self) -> Agent:
                    return Agent(config=self.agents_config['reporting_analyst'])

                @task
                def research_task(self) -> Task:
                    return Task(config=self.tasks_config['research_task'], agent=self.researcher())

                @task
                def reporting_task(self) -> Task:
                    return Task(config=self.tasks_config['reporting_task'], agent=self.reporting_analyst())

                @crew
                def crew(self) -> Crew:
                    return Crew(agents=self.agents, tasks=self.tasks, process=Process.sequential, verbose=True)
            """;

    /** A classic project as `crewai create crew latest_ai` lays it out; its tasks.yaml names no agents. */
    Path classic(String researchDescription) throws Exception {
        Path code = Files.createDirectories(dir.resolve("latest_ai/src/latest_ai/config")).getParent();
        Files.writeString(code.resolve("config/agents.yaml"), """
                researcher: {role: "{topic} Researcher", goal: "Find news about {topic}", backstory: Thorough.}
                reporting_analyst: {role: Reporting Analyst, goal: Turn research into a report, backstory: Precise.}
                """);
        Files.writeString(code.resolve("config/tasks.yaml"), """
                research_task: {description: "%s", expected_output: Three bullet points}
                reporting_task: {description: Review the context you got and write a report., expected_output: A report}
                """.formatted(researchDescription));
        Files.writeString(code.resolve("crew.py"), CREW_PY);
        Files.writeString(code.resolve("main.py"), "def run():\n    inputs = {'topic': 'AI agents'}\n    LatestAiCrew().crew().kickoff(inputs=inputs)\n");
        return dir.resolve("latest_ai");
    }

    static Reply answer(JsonNode request) {
        String system = request.path("messages").path(0).path("content").asText();
        return system.contains("Researcher") ? Reply.text("- agents are everywhere") : Reply.text("# Report\nAgents are everywhere.");
    }

    Map<String, String> env(ModelStubServer stub) {
        return Map.of("OPENAI_BASE_URL", stub.openAiUrl(), "OPENAI_API_KEY", "sk-test", "CADRE_MODEL", "openai:gpt-4.1-mini");
    }

    /** Where {@code text} first appears in {@code file}, as file:line:column. */
    static String where(Path file, String text) throws Exception {
        List<String> lines = Files.readAllLines(file);
        for (int n = 0; n < lines.size(); n++) {
            if (lines.get(n).contains(text)) {
                return file + ":" + (n + 1) + ":" + (lines.get(n).indexOf(text) + 1);
            }
        }
        throw new AssertionError(text + " is not in " + file);
    }

    CadreProcess.Outcome cadre(Map<String, String> env, String... args) throws Exception {
        return CadreProcess.run(dir, env, "", args);
    }

    @Test
    void runTakesAClassicCrewAiProjectDirectoryReadsItsCrewPyAndSaysWhatItLeftOut() throws Exception {
        Path project = classic("Research {topic}.");
        Path workspace = Files.createDirectories(dir.resolve("ws"));
        try (ModelStubServer stub = new ModelStubServer(CrewAiCliTest::answer)) {
            CadreProcess.Outcome run = cadre(env(stub), "run", project.toString(), "--task", "AI report", "--tool", "SerperDevTool=workspace_search",
                    "--workspace", workspace.toString(), "--runs", dir.resolve("runs").toString(), "--json", "--yes");
            assertThat(run.exit()).as(run.stderr()).isZero();
            Path crewPy = project.resolve("src/latest_ai/crew.py");
            assertThat(run.stderr()).startsWith("Not carried over from the CrewAI project (2):\n"
                    + "  " + where(crewPy, "[SerperDevTool()") + ": agent 'researcher': tools=[ScrapeWebsiteTool()] uses a Python object"
                    + " Cadre cannot map; map it with --tool ScrapeWebsiteTool=cadre_tool\n"
                    + "  " + where(crewPy, "True)") + ": the crew: 'verbose' is not supported by Cadre and was ignored\n");
            assertThat(run.stdout()).contains("\"type\":\"run_finished\"");
            assertThat(stub.requests).hasSize(2);
            JsonNode research = stub.requests.get(0);
            assertThat(research.path("model").asText()).isEqualTo("gpt-4o");
            assertThat(research.path("messages").path(0).path("content").asText()).startsWith("You are AI agents Researcher.");
            assertThat(research.path("tools").findValuesAsText("name")).containsExactly("workspace_search");
            JsonNode report = stub.requests.get(1);
            assertThat(report.path("model").asText()).isEqualTo("gpt-4.1-mini");
            assertThat(report.path("messages").path(1).path("content").asText()).as("a sequential task without context sees earlier outputs")
                    .startsWith("Review the context you got").contains("## Context: research_task\n- agents are everywhere");
        }
    }

    /** The classic project with an output_file on its reporting task. */
    Path withOutputFile(String path) throws Exception {
        Path project = classic("Research {topic}.");
        Path tasks = project.resolve("src/latest_ai/config/tasks.yaml");
        Files.writeString(tasks, Files.readString(tasks).replace("expected_output: A report}", "expected_output: A report, output_file: \"" + path + "\"}"));
        return project;
    }

    @Test
    void aTasksOutputFileIsWrittenInTheWorkspaceWhenTheRunEnds() throws Exception {
        Path project = withOutputFile("reports/{topic}.md");
        Path workspace = Files.createDirectories(dir.resolve("ws"));
        try (ModelStubServer stub = new ModelStubServer(CrewAiCliTest::answer)) {
            CadreProcess.Outcome run = cadre(env(stub), "run", project.toString(), "--task", "AI report", "--tool", "SerperDevTool=workspace_search",
                    "--tool", "ScrapeWebsiteTool=workspace_read", "--workspace", workspace.toString(), "--runs", dir.resolve("runs").toString(),
                    "--json", "--yes");
            assertThat(run.exit()).as(run.stderr()).isZero();
            assertThat(workspace.resolve("reports/AI agents.md")).as(run.stderr()).hasContent("# Report\nAgents are everywhere.");
            assertThat(run.stderr()).contains("Wrote the output of task 'reporting_task' to reports/AI agents.md.");
            assertThat(run.stderr()).doesNotContain("output_file");
        }
    }

    @Test
    void anOutputFileOutsideTheWorkspaceStopsBeforeTheRun() throws Exception {
        Path project = withOutputFile("../{topic}.md");
        CadreProcess.Outcome run = cadre(Map.of("CADRE_MODEL", "openai:gpt-4.1-mini", "OPENAI_BASE_URL", "http://127.0.0.1:9"),
                "run", project.toString(), "--task", "AI report", "--runs", dir.resolve("runs").toString(), "--yes",
                "--workspace", Files.createDirectories(dir.resolve("ws")).toString());
        assertThat(run.exit()).as(run.stderr()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.stderr().lines().filter(l -> l.startsWith("cadre: ")).toList()).containsExactly(
                "cadre: Task 'reporting_task' has output_file '../{topic}.md', which Cadre does not write: Path '../AI agents.md' goes up"
                        + " with '..'; paths must stay inside the workspace.");
        assertThat(Files.exists(dir.resolve("runs")) ? Files.list(dir.resolve("runs")).toList() : List.of()).isEmpty();
        assertThat(dir.resolve("AI agents.md")).doesNotExist();
    }

    @Test
    void aVariableWithoutAValueStopsBeforeTheRunWithOneSentenceAndNoJournal() throws Exception {
        Path project = classic("Research {topic} in {current_year}.");
        CadreProcess.Outcome run = cadre(Map.of("CADRE_MODEL", "openai:gpt-4.1-mini", "OPENAI_BASE_URL", "http://127.0.0.1:9"),
                "run", project.toString(), "--task", "AI report", "--runs", dir.resolve("runs").toString(), "--yes",
                "--workspace", Files.createDirectories(dir.resolve("ws")).toString());
        assertThat(run.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.stderr().lines().filter(l -> l.startsWith("cadre: ")).toList()).containsExactly(
                "cadre: Template variable {current_year} (in task 'research_task') has no value: pass --input current_year=VALUE.");
        assertThat(Files.exists(dir.resolve("runs")) ? Files.list(dir.resolve("runs")).toList() : List.of()).isEmpty();
    }

    @Test
    void importCrewAiWritesACrewFileThatRunsTheSame() throws Exception {
        Path project = classic("Research {topic}.");
        Path workspace = Files.createDirectories(dir.resolve("ws"));
        CadreProcess.Outcome imported = cadre(Map.of(), "import", "crewai", project.toString(), "--out", "crew.yaml",
                "--tool", "SerperDevTool=workspace_search");
        assertThat(imported.exit()).as(imported.stderr()).isZero();
        assertThat(imported.stderr()).contains("Not carried over from the CrewAI project (2):")
                .endsWith("Wrote crew.yaml. Run it with: cadre run crew.yaml --task \"...\"\n");
        String yaml = Files.readString(dir.resolve("crew.yaml"));
        assertThat(yaml).startsWith("# Imported from the CrewAI project " + project + " by cadre import crewai.\n# Not carried over:\n")
                .contains("tools:\n    - workspace_search").contains("inputs:\n  topic: AI agents");
        assertThat(cadre(Map.of(), "import", "crewai", project.toString(), "--out", "crew.yaml").stderr())
                .endsWith("\ncadre: crew.yaml exists; pass --force to replace it.\n");

        try (ModelStubServer fromDir = new ModelStubServer(CrewAiCliTest::answer); ModelStubServer fromFile = new ModelStubServer(CrewAiCliTest::answer)) {
            assertThat(cadre(env(fromDir), "run", project.toString(), "--task", "AI report", "--tool", "SerperDevTool=workspace_search",
                    "--workspace", workspace.toString(), "--runs", dir.resolve("runs").toString(), "--yes").exit()).isZero();
            CadreProcess.Outcome run = cadre(env(fromFile), "run", "crew.yaml", "--task", "AI report", "--workspace", workspace.toString(),
                    "--runs", dir.resolve("runs").toString(), "--yes");
            assertThat(run.exit()).as(run.stderr()).isZero();
            assertThat(run.stderr()).as("the file's notes are comments; nothing is left out now").doesNotContain("Not carried over");
            assertThat(fromFile.requests).hasSize(2).isEqualTo(fromDir.requests);
        }
    }

    @Test
    void crewsListAndShowRecogniseCrewAiProjects() throws Exception {
        Path project = classic("Research {topic}.");
        Files.writeString(dir.resolve("mine.yaml"), "name: mine\nagents: {a: coder}\ntasks: [{id: t, description: x, agent: a}]\n");
        CadreProcess.Outcome config = cadre(Map.of(), "crews", "list", "--crews", project.resolve("src/latest_ai/config").toString());
        assertThat(config.exit()).as(config.stderr()).isZero();
        List<String> lines = config.stdout().lines().filter(l -> !l.contains("built-in")).toList();
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).startsWith("latest_ai").contains("crewai").contains("(3 fields not carried over)");

        CadreProcess.Outcome both = cadre(Map.of(), "crews", "list", "--crews", dir.toString());
        assertThat(both.stdout().lines().filter(l -> !l.contains("built-in")))
                .anySatisfy(l -> assertThat(l).matches("latest_ai +crewai +" + java.util.regex.Pattern.quote(project.toString()) + " .*"))
                .anySatisfy(l -> assertThat(l).startsWith("mine").contains("file"));

        CadreProcess.Outcome show = cadre(Map.of(), "crews", "show", project.toString());
        assertThat(show.stdout()).startsWith("# Imported from the CrewAI project").contains("\nagents:\n  researcher:\n");
        CadreProcess.Outcome builtIn = cadre(Map.of(), "crews", "show", "coder-reviewer");
        assertThat(builtIn.stdout()).startsWith("name: coder-reviewer\n");
        CadreProcess.Outcome byName = cadre(Map.of(), "crews", "show", "mine", "--crews", dir.toString());
        assertThat(byName.stdout()).isEqualTo(Files.readString(dir.resolve("mine.yaml")));
    }

    @Test
    void runTakesAJsonFirstProjectWithSettings() throws Exception {
        Path project = Files.createDirectories(dir.resolve("json_crew/agents")).getParent();
        Files.writeString(project.resolve("agents/writer.jsonc"), """
                {"role": "Writer", "goal": "Write about {topic}", "backstory": "Clear.",
                 "settings": {"llm": "openai/gpt-4o-mini", "verbose": true}}
                """);
        Files.writeString(project.resolve("crew.jsonc"), """
                {"name": "json_crew", "inputs": {"topic": "JVM"},
                 "tasks": [{"name": "write", "description": "Write about {topic}.", "agent": "writer"}]}
                """);
        try (ModelStubServer stub = new ModelStubServer(List.of(Reply.text("An article.")))) {
            CadreProcess.Outcome run = cadre(env(stub), "run", project.toString(), "--task", "write",
                    "--workspace", Files.createDirectories(dir.resolve("ws")).toString(), "--runs", dir.resolve("runs").toString(), "--yes");
            assertThat(run.exit()).as(run.stderr()).isZero();
            assertThat(run.stderr()).contains("writer.jsonc:2:44: agent 'writer': 'verbose' is not supported by Cadre and was ignored");
            assertThat(stub.requests.get(0).path("model").asText()).isEqualTo("gpt-4o-mini");
            assertThat(run.stdout()).contains("Status:  SUCCEEDED").contains("An article.");
        }
        assertThat(StoredRuns.ids(dir.resolve("runs"))).hasSize(1);
    }
}
