package dev.cadre.personas;

import static dev.cadre.testkit.CadreAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.api.CadreJson;
import dev.cadre.api.HumanGate;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.RunHandle;
import dev.cadre.api.Task;
import dev.cadre.api.Tool;
import dev.cadre.api.crew.Review;
import dev.cadre.api.crew.Step;
import dev.cadre.orchestrator.Orchestrator;
import dev.cadre.testkit.Reply;
import dev.cadre.testkit.ScriptedModel;
import dev.cadre.tools.Workspace;
import dev.cadre.tools.WorkspaceTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CrewAI projects written for these tests in the shapes real ones have: agents, tools, llm, output models and the
 * process assigned in crew.py; sequential tasks without context; JSON-first agents with settings; planning; missing
 * variables; hierarchical crews with manager_llm or manager_agent.
 */
class CrewAiProjectsTest {

    @TempDir
    Path project;

    static final String AGENTS = """
            researcher:
              role: "{topic} Senior Data Researcher"
              goal: "Uncover cutting-edge developments in {topic}"
              backstory: "You're a seasoned researcher."
            reporting_analyst:
              role: "{topic} Reporting Analyst"
              goal: "Create detailed reports based on {topic} data analysis"
              backstory: "You're a meticulous analyst."
            """;

    static final String TASKS = """
            research_task:
              description: >
                Conduct a thorough research about {topic}.
              expected_output: >
                A list with 3 bullet points about {topic}

            reporting_task:
              description: >
                Review the context you got and expand each topic into a full section for a report.
              expected_output: >
                A report as JSON.
            """;

    static final String CREW_PY = """
            from crewai import Agent, Crew, Process, Task, LLM
            from crewai.project import CrewBase, agent, crew, task
            from crewai_tools import SerperDevTool, ScrapeWebsiteTool
            from pydantic import BaseModel
            from typing import List, Optional


            class Section(BaseModel):
                title: str
                body: str


            class Report(BaseModel):
                \"\"\"The report.\"\"\"
                title: str
                sections: List[Section]
                score: Optional[float] = None


            @CrewBase
            class LatestAiDevelopmentCrew():
                \"\"\"LatestAiDevelopment crew\"\"\"

                @agent
                def researcher(self) -> Agent:
                    return Agent(
                        config=self.agents_config['researcher'],
                        tools=[SerperDevTool(), ScrapeWebsiteTool()],  # web search
                        llm=LLM(model="openai/gpt-4o", temperature=0.2),
                        verbose=True,
                    )

                @agent
                def reporting_analyst(self) -> Agent:
                    return Agent(
                        config=self.agents_config['reporting_analyst'],
                        llm="anthropic/claude-sonnet-4-5",
                        max_iter=4,
                        step_callback=self.log_step,
                    )

                @task
                def research_task(self) -> Task:
                    return Task(
                        config=self.tasks_config['research_task'],
                        agent=self.researcher(),
                    )

                @task
                def reporting_task(self) -> Task:
                    return Task(
                        config=self.tasks_config['reporting_task'],
                        agent=self.reporting_analyst(),
                        output_pydantic=Report,
                        human_input=True,
                    )

                @crew
                def crew(self) -> Crew:
                    \"\"\"Creates the crew\"\"\"
                    return Crew(
                        agents=self.agents,
                        tasks=self.tasks,
                        process=Process.sequential,
                        verbose=True,
                    )
            """;

    static final String MAIN_PY = """
            import sys
            from datetime import datetime
            from latest_ai.crew import LatestAiDevelopmentCrew

            def run():
                inputs = {
                    'topic': 'AI LLMs',
                    'current_year': str(datetime.now().year)
                }
                LatestAiDevelopmentCrew().crew().kickoff(inputs=inputs)
            """;

    Path code() {
        return project.resolve("src/latest_ai");
    }

    void classic(String agents, String tasks, String crewPy) throws Exception {
        Files.createDirectories(code().resolve("config"));
        Files.writeString(code().resolve("config/agents.yaml"), agents);
        Files.writeString(code().resolve("config/tasks.yaml"), tasks);
        Files.writeString(code().resolve("crew.py"), crewPy);
        Files.writeString(code().resolve("main.py"), MAIN_PY);
    }

    private List<Tool> tools;

    List<Tool> tools() {
        if (tools == null) {
            tools = WorkspaceTools.create(Workspace.at(project));
        }
        return tools;
    }

    /** The crew file `cadre import crewai` writes loads back into the same crew, with the notes as comments. */
    CrewFile writtenAndLoadedBack(CrewFile imported) {
        String yaml = CrewFileWriter.yaml(imported, PersonaLibrary.builtIn(), "Imported from a CrewAI project.");
        CrewFile loaded = CrewLoader.of(PersonaLibrary.builtIn(), tools()).load("crew.yaml", yaml);
        assertThat(loaded.crew()).as(yaml).isEqualTo(imported.crew());
        assertThat(loaded.inputs()).isEqualTo(imported.inputs());
        assertThat(loaded.outputFiles()).isEqualTo(imported.outputFiles());
        assertThat(yaml).startsWith("# Imported from a CrewAI project.\n");
        imported.notes().forEach(n -> assertThat(yaml).contains("#   " + n + "\n"));
        return loaded;
    }

    /** "file:line:column" of the first occurrence of {@code needle} in {@code file}. */
    static String at(Path file, String needle) throws Exception {
        return at(file, needle, 0);
    }

    /** "file:line:column" of the last occurrence of {@code needle} in {@code file}, when {@code last} is not 0. */
    static String at(Path file, String needle, int last) throws Exception {
        String text = Files.readString(file);
        int i = last == 0 ? text.indexOf(needle) : text.lastIndexOf(needle);
        assertThat(i).as(needle + " in " + file).isNotNegative();
        int line = (int) text.substring(0, i).chars().filter(c -> c == '\n').count() + 1;
        return file + ":" + line + ":" + (i - text.lastIndexOf('\n', i - 1));
    }

    Orchestrator orchestrator(ScriptedModel model, String... refs) {
        ModelRegistry.Builder models = ModelRegistry.builder().defaultModel("openai:default").model("openai:default", model);
        for (String ref : refs) {
            models.model(ref, model);
        }
        return Orchestrator.builder().models(models.build()).tools(tools()).runsDirectory(project.resolve("runs"))
                .gate(HumanGate.autoApprove()).build();
    }

    @Test
    void crewPyAssignsAgentsToolsLlmAndOutputModelsAndEveryFieldLeftOutIsALocatedNote() throws Exception {
        classic(AGENTS, TASKS, CREW_PY);
        CrewFile file = CrewAiImport.load(project, PersonaLibrary.builtIn(), tools(), Map.of("SerperDevTool", "workspace_search"), null);

        Step.Sequential process = (Step.Sequential) file.crew().process();
        assertThat(process.steps()).extracting(Step::name).containsExactly("research_task", "reporting_task");
        Step.Work research = (Step.Work) process.steps().get(0);
        Step.Work report = (Step.Work) process.steps().get(1);
        assertThat(research.agent().id()).isEqualTo("researcher");
        assertThat(research.agent().persona().model()).isEqualTo("openai:gpt-4o");
        assertThat(research.agent().persona().temperature()).isEqualTo(0.2);
        assertThat(research.agent().tools()).extracting(Tool::name).containsExactly("workspace_search");
        assertThat(report.agent().id()).isEqualTo("reporting_analyst");
        assertThat(report.agent().persona().model()).isEqualTo("anthropic:claude-sonnet-4-5");
        assertThat(report.agent().persona().maxToolRounds()).isEqualTo(4);
        assertThat(report.review()).isEqualTo(Review.afterWork());
        assertThat(report.task().context()).as("CrewAI: a sequential task without context sees all earlier outputs")
                .containsExactly("research_task");
        assertThat(report.task().outputSchema()).isEqualTo(CadreJson.mapper().readTree("""
                {"type":"object","properties":{"title":{"type":"string"},
                 "sections":{"type":"array","items":{"type":"object","properties":{"title":{"type":"string"},"body":{"type":"string"}},
                   "required":["title","body"]}},
                 "score":{"type":"number"}},"required":["title","sections"]}"""));
        assertThat(file.inputs()).containsExactly(Map.entry("topic", "AI LLMs"));
        writtenAndLoadedBack(file);

        Path crewPy = code().resolve("crew.py");
        assertThat(file.notes()).containsExactly(
                at(crewPy, "[SerperDevTool(), ScrapeWebsiteTool()]") + ": agent 'researcher': tools=[ScrapeWebsiteTool()] uses a"
                        + " Python object Cadre cannot map; map it with --tool ScrapeWebsiteTool=cadre_tool",
                at(crewPy, "True,") + ": agent 'researcher': 'verbose' is not supported by Cadre and was ignored",
                at(crewPy, "self.log_step") + ": agent 'reporting_analyst': 'step_callback' is not supported by Cadre and was ignored",
                at(crewPy, "True,", -1) + ": the crew: 'verbose' is not supported by Cadre and was ignored",
                at(code().resolve("main.py"), "{\n        'topic'") + ": main.py computes input 'current_year' in Python"
                        + " (str(datetime.now().year)); pass it with --input current_year=VALUE");
    }

    @Test
    void theImportedCrewRunsAndASequentialTaskWithoutContextSeesTheEarlierOutputs() throws Exception {
        classic(AGENTS, TASKS, CREW_PY);
        CrewFile file = CrewAiImport.load(project, PersonaLibrary.builtIn(), tools(), Map.of("SerperDevTool", "workspace_search"), null);
        String report = "{\"title\":\"AI LLMs\",\"sections\":[{\"title\":\"Agents\",\"body\":\"Everywhere.\"}]}";
        ScriptedModel model = ScriptedModel.builder()
                .agent("researcher", Reply.text("- agents are everywhere"))
                .agent("reporting_analyst", Reply.text(report)).build();
        RunHandle run = orchestrator(model, "openai:gpt-4o", "anthropic:claude-sonnet-4-5")
                .run(file.crew(), Task.of("run", "Report").withInputs(file.inputs()));
        assertThat(run).succeeded().hasOutput(report);
        assertThat(model.requestsFor("researcher").get(0).lastUserText()).startsWith("Conduct a thorough research about AI LLMs.");
        assertThat(model.requestsFor("reporting_analyst").get(0).lastUserText())
                .startsWith("Review the context you got").contains("## Context: research_task\n- agents are everywhere");
        assertThat(model.requestsFor("researcher").get(0).request().toolSpecifications()).extracting(t -> t.name())
                .containsExactly("workspace_search");
    }

    @Test
    void aSequentialTasksOutputFileIsKeptForTheRunToWriteAndInTheWrittenCrewFile() throws Exception {
        classic(AGENTS, TASKS.replace("    A report as JSON.\n", "    A report as JSON.\n  output_file: reports/{topic}.md\n"), CREW_PY);
        CrewFile file = CrewAiImport.load(project, PersonaLibrary.builtIn(), tools());
        assertThat(file.outputFiles()).containsExactly(Map.entry("reporting_task", "reports/{topic}.md"));
        assertThat(file.notes()).noneMatch(n -> n.contains("output_file"));
        assertThat(CrewFileWriter.yaml(file, PersonaLibrary.builtIn(), null)).containsPattern("output_file: \"?reports/\\{topic}\\.md");
        writtenAndLoadedBack(file);
    }

    @Test
    void aVariableWithoutAnInputIsFoundBeforeTheRunAsInCrewAi() throws Exception {
        classic(AGENTS, TASKS.replace("about {topic}.", "about {topic} in {current_year}."), CREW_PY);
        CrewFile file = CrewAiImport.load(project, PersonaLibrary.builtIn(), tools());
        assertThat(CrewVariables.used(file.crew())).containsOnlyKeys("topic", "current_year");
        assertThatThrownBy(() -> CrewVariables.requireInputs(file.crew(), file.inputs(), n -> "pass --input " + n + "=VALUE"))
                .hasMessage("Template variable {current_year} (in task 'research_task') has no value: pass --input current_year=VALUE.");
        CrewVariables.requireInputs(file.crew(), Map.of("topic", "AI", "current_year", "2026"), n -> "");
    }

    static final String HIERARCHICAL_PY = """
            from crewai import Agent, Crew, Process, Task
            from crewai.project import CrewBase, agent, crew, task

            @CrewBase
            class Team:
                @agent
                def researcher(self) -> Agent:
                    return Agent(config=self.agents_config['researcher'])

                @agent
                def reporting_analyst(self) -> Agent:
                    return Agent(config=self.agents_config['reporting_analyst'], allow_delegation=False)

                @task
                def research_task(self) -> Task:
                    return Task(config=self.tasks_config['research_task'])

                @task
                def reporting_task(self) -> Task:
                    return Task(config=self.tasks_config['reporting_task'], output_file='report.md')

                @crew
                def crew(self) -> Crew:
                    return Crew(agents=self.agents, tasks=self.tasks, process=Process.hierarchical, manager_llm="openai/gpt-4o")
            """;

    @Test
    void aHierarchicalCrewPutsTheBuiltInManagerOnManagerLlmOverTheAgentsAndRuns() throws Exception {
        classic(AGENTS, TASKS, HIERARCHICAL_PY);
        CrewFile file = CrewAiImport.load(project, PersonaLibrary.builtIn(), tools());
        Step.Hierarchical team = (Step.Hierarchical) file.crew().process();
        assertThat(team.manager().id()).isEqualTo("manager");
        assertThat(team.manager().persona().model()).isEqualTo("openai:gpt-4o");
        assertThat(team.workers()).extracting(w -> w.name()).containsExactly("researcher", "reporting_analyst");
        assertThat(team.goal().description()).contains("1. Conduct a thorough research about {topic}.").contains("2. Review the context");
        writtenAndLoadedBack(file);
        assertThat(file.notes()).containsExactly(at(code().resolve("crew.py"), "'report.md'")
                + ": task 'reporting_task': output_file in a hierarchical crew is not written (the manager delegates the"
                + " task, which has no output of its own)",
                at(code().resolve("main.py"), "{\n        'topic'") + ": main.py computes input 'current_year' in Python"
                        + " (str(datetime.now().year)); pass it with --input current_year=VALUE");

        ScriptedModel model = ScriptedModel.builder()
                .agent("manager", Reply.toolCall("delegate", "{\"worker\":\"researcher\",\"subtask\":\"research AI\"}"),
                        Reply.toolCall("finish", "{\"answer\":\"Report done.\"}"))
                .agent("researcher", Reply.text("- agents")).build();
        RunHandle run = orchestrator(model, "openai:gpt-4o").run(file.crew(), Task.of("run", "Report").withInputs(Map.of("topic", "AI")));
        assertThat(run).succeeded().hasOutput("Report done.");
        assertThat(model.requestsFor("manager").get(0).lastUserText()).contains("1. Conduct a thorough research about AI.");
    }

    @Test
    void aManagerAgentOfCrewPyLeadsAndIsNoWorker() throws Exception {
        classic(AGENTS + """

                manager:
                  role: Project manager
                  goal: Deliver the report on time
                  backstory: Calm.
                """, TASKS, HIERARCHICAL_PY.replace("    @task\n    def research_task", """
                    @agent
                    def manager(self) -> Agent:
                        return Agent(config=self.agents_config['manager'], allow_delegation=True)

                    @task
                    def research_task""").replace("manager_llm=\"openai/gpt-4o\"", "manager_agent=self.manager()"));
        CrewFile file = CrewAiImport.load(project, PersonaLibrary.builtIn(), tools());
        Step.Hierarchical team = (Step.Hierarchical) file.crew().process();
        assertThat(team.manager().id()).isEqualTo("manager");
        assertThat(team.manager().persona().role()).isEqualTo("Project manager");
        writtenAndLoadedBack(file);
        assertThat(team.workers()).extracting(w -> w.name()).containsExactly("researcher", "reporting_analyst");
    }

    @Test
    void jsonFirstAgentsHaveTheirSettingsMergedAndPlanningPlansEveryTask() throws Exception {
        Files.createDirectories(project.resolve("agents"));
        Files.writeString(project.resolve("agents/researcher.jsonc"), """
                {
                  "role": "{topic} Researcher",
                  "goal": "Find what matters about {topic}",
                  "backstory": "Curious.",
                  // what `crewai create crew` writes
                  "settings": {"llm": "openai/gpt-4o-mini", "max_iter": 3, "verbose": false, "allow_delegation": false}
                }
                """);
        Files.writeString(project.resolve("agents/writer.jsonc"), """
                {"role": "Writer", "goal": "Write it up", "backstory": "Clear.", "settings": {"llm": "openai/gpt-4o"}}
                """);
        Files.writeString(project.resolve("crew.jsonc"), """
                {
                  "name": "research_crew",
                  "process": "sequential",
                  "planning": true,
                  "planning_llm": "openai/gpt-4o-mini",
                  "inputs": {"topic": "JVM agents"},
                  "tasks": [
                    {"name": "research", "description": "Research {topic}.", "expected_output": "Notes", "agent": "researcher"},
                    {"name": "write", "description": "Write it up.", "expected_output": "An article", "agent": "writer"}
                  ]
                }
                """);
        CrewFile file = CrewAiImport.load(project, PersonaLibrary.builtIn(), tools());
        Step.Sequential process = (Step.Sequential) file.crew().process();
        assertThat(process.steps()).extracting(Step::name).containsExactly("crewai_planning", "research", "write");
        Step.Work research = (Step.Work) process.steps().get(1);
        assertThat(research.agent().persona().model()).isEqualTo("openai:gpt-4o-mini");
        assertThat(research.agent().persona().maxToolRounds()).isEqualTo(3);
        assertThat(research.task().context()).containsExactly("crewai_planning");
        assertThat(((Step.Work) process.steps().get(2)).task().context()).containsExactly("crewai_planning", "research");
        writtenAndLoadedBack(file);
        assertThat(file.notes()).containsExactly(
                at(project.resolve("agents/researcher.jsonc"), "\"verbose\"") + ": agent 'researcher': 'verbose' is not supported by Cadre and was ignored");

        ScriptedModel model = ScriptedModel.builder()
                .agent("planner", Reply.text("1. research: read papers. 2. write: summarise."))
                .agent("researcher", Reply.text("notes"))
                .agent("writer", Reply.text("article")).build();
        RunHandle run = orchestrator(model, "openai:gpt-4o-mini", "openai:gpt-4o").run(file.crew(), Task.of("run", "go").withInputs(file.inputs()));
        assertThat(run).succeeded().hasOutput("article");
        assertThat(model.requestsFor("planner").get(0).lastUserText()).contains("- research (by JVM agents Researcher): Research JVM agents.")
                .contains("- write (by Writer): Write it up.");
        assertThat(model.requestsFor("writer").get(0).lastUserText()).contains("## Context: crewai_planning\n1. research")
                .contains("## Context: research\nnotes");
    }

    @Test
    void aCrewPyConfigNamingNoYamlEntryIsALocatedError() throws Exception {
        classic(AGENTS, TASKS, CREW_PY.replace("agents_config['reporting_analyst']", "agents_config['reporting_analist']"));
        assertThatThrownBy(() -> CrewAiImport.load(project, PersonaLibrary.builtIn(), tools()))
                .hasMessage(at(code().resolve("crew.py"), "self.agents_config['reporting_analist']") + ": @agent reporting_analyst uses"
                        + " agents_config['reporting_analist'], which agents.yaml does not define — did you mean 'reporting_analyst'?");
        classic(AGENTS, TASKS, CREW_PY);
        assertThatThrownBy(() -> CrewAiImport.load(project, PersonaLibrary.builtIn(), tools(), Map.of("SerperDevTool", "web_search"), null))
                .hasMessageStartingWith("--tool SerperDevTool=web_search maps to 'web_search', which is not a Cadre tool here");
    }
}
