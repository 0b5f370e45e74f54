package dev.cadre.personas;

import static dev.cadre.testkit.CadreAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.api.HumanGate;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.RunHandle;
import dev.cadre.api.Task;
import dev.cadre.api.Tool;
import dev.cadre.orchestrator.Orchestrator;
import dev.cadre.api.crew.Review;
import dev.cadre.api.crew.Step;
import dev.cadre.testkit.Reply;
import dev.cadre.testkit.ScriptedModel;
import dev.cadre.tools.Workspace;
import dev.cadre.tools.WorkspaceTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CrewAiImportTest {

    @TempDir
    Path project;

    static final String AGENTS = """
            researcher:
              role: >
                {topic} Senior Data Researcher
              goal: >
                Uncover cutting-edge developments in {topic}
              backstory: >
                You're a seasoned researcher with a knack for uncovering the latest
                developments in {topic}.
              llm: openai/gpt-4o
              tools: [workspace_search, SerperDevTool]
              verbose: true

            reporting_analyst:
              role: >
                {topic} Reporting Analyst
              goal: >
                Create detailed reports based on {topic} data analysis and research findings
              backstory: >
                You're a meticulous analyst with a keen eye for detail.
              llm: gpt-4o-mini
              allow_delegation: true
              max_iter: 5
            """;

    static final String TASKS = """
            research_task:
              description: >
                Conduct a thorough research about {topic}.
                Make sure you find any interesting and relevant information given
                the current year is 2026.
              expected_output: >
                A list with 10 bullet points of the most relevant information about {topic}
              agent: researcher

            reporting_task:
              description: >
                Review the context you got and expand each topic into a full section for a report.
              expected_output: >
                A fully fledged report with the main topics, each with a full section of information.
              agent: reporting_analyst
              context: [research_task]
              human_input: true
              output_file: report.md
            """;

    List<Tool> tools() {
        return WorkspaceTools.create(Workspace.at(project));
    }

    void classic() throws Exception {
        Files.createDirectories(project.resolve("src/latest_ai/config"));
        Files.writeString(project.resolve("src/latest_ai/config/agents.yaml"), AGENTS);
        Files.writeString(project.resolve("src/latest_ai/config/tasks.yaml"), TASKS);
    }

    @Test
    void aClassicCrewAiProjectLoadsAndRuns() throws Exception {
        classic();
        CrewFile file = CrewAiImport.load(project, PersonaLibrary.builtIn(), tools());
        Step.Sequential process = (Step.Sequential) file.crew().process();
        assertThat(process.steps()).extracting(Step::name).containsExactly("research_task", "reporting_task");
        Step.Work research = (Step.Work) process.steps().get(0);
        assertThat(research.agent().persona().model()).isEqualTo("openai:gpt-4o");
        assertThat(research.agent().tools()).extracting(Tool::name).containsExactly("workspace_search");
        Step.Work report = (Step.Work) process.steps().get(1);
        assertThat(report.agent().persona().model()).isEqualTo("openai:gpt-4o-mini");
        assertThat(report.agent().persona().maxToolRounds()).isEqualTo(5);
        assertThat(report.review()).isEqualTo(Review.afterWork());
        assertThat(report.task().context()).containsExactly("research_task");

        Path agents = project.resolve("src/latest_ai/config/agents.yaml");
        assertThat(file.notes()).containsExactly(
                agents + ":10:3: agent 'researcher': tool 'SerperDevTool' is a CrewAI tool Cadre does not have;"
                        + " map it with --tool SerperDevTool=cadre_tool",
                agents + ":11:3: agent 'researcher': 'verbose' is not supported by Cadre and was ignored",
                agents + ":20:3: agent 'reporting_analyst': llm 'gpt-4o-mini' names no provider; read as 'openai:gpt-4o-mini'",
                agents + ":21:3: agent 'reporting_analyst': delegation between agents of a sequential crew is not supported;"
                        + " use the hierarchical process, where a manager delegates");
        assertThat(file.outputFiles()).as("CrewAI's output_file, written in the workspace when the run ends")
                .containsExactly(java.util.Map.entry("reporting_task", "report.md"));

        ScriptedModel model = ScriptedModel.builder()
                .agent("researcher", Reply.text("- agents are everywhere"))
                .agent("reporting_analyst", Reply.text("# Report\nAgents are everywhere.")).build();
        Orchestrator orchestrator = Orchestrator.builder()
                .models(ModelRegistry.builder().model("openai:gpt-4o", model).model("openai:gpt-4o-mini", model).build())
                .tools(tools()).runsDirectory(project.resolve("runs")).gate(HumanGate.autoApprove()).build();
        RunHandle run = orchestrator.run(file.crew(), Task.of("report", "AI report").withInputs(java.util.Map.of("topic", "AI Agents")));
        assertThat(run).succeeded().hasOutput("# Report\nAgents are everywhere.");
        String system = model.requestsFor("researcher").get(0).request().messages().get(0).toString();
        assertThat(system).contains("You are AI Agents Senior Data Researcher.");
        assertThat(model.requestsFor("researcher").get(0).lastUserText()).startsWith("Conduct a thorough research about AI Agents.");
        assertThat(model.requestsFor("reporting_analyst").get(0).lastUserText()).contains("## Context: research_task\n- agents are everywhere");
    }

    @Test
    void theHierarchicalProcessPutsAManagerOverTheAgents() throws Exception {
        classic();
        CrewFile file = CrewAiImport.load(project, PersonaLibrary.builtIn(), tools(), CrewAiImport.Process.HIERARCHICAL);
        Step.Hierarchical team = (Step.Hierarchical) file.crew().process();
        assertThat(team.manager().id()).isEqualTo("manager");
        assertThat(team.workers()).extracting(w -> w.name()).containsExactly("researcher", "reporting_analyst");
        assertThat(team.goal().description()).contains("1. Conduct a thorough research about {topic}.")
                .contains("2. Review the context you got");
        assertThat(file.notes()).noneMatch(n -> n.contains("delegation"));
    }

    @Test
    void theJsonFirstLayoutLoads() throws Exception {
        Files.createDirectories(project.resolve("agents"));
        Files.writeString(project.resolve("agents/researcher.jsonc"), """
                {
                  // the file name is the agent's name
                  "role": "{topic} Senior Researcher",
                  "goal": "Find what matters about {topic}",
                  "backstory": "Curious and careful.",
                  "llm": {"model": "anthropic/claude-sonnet-4-6", "temperature": 0.2},
                }
                """);
        Files.writeString(project.resolve("agents/analyst.jsonc"), """
                {"role": "Analyst", "goal": "Write the report", "backstory": "Precise."}
                """);
        Files.writeString(project.resolve("crew.jsonc"), """
                {
                  "name": "research_crew",
                  "process": "sequential",
                  "verbose": true,
                  "inputs": {"topic": "JVM agents"},
                  "tasks": [
                    {"name": "research", "description": "Research {topic}.", "expected_output": "Notes", "agent": "researcher"},
                    {"name": "report", "description": "Write a report.", "agent": "analyst", "context": ["research"],
                     "output_json": {"type": "object", "required": ["title"]}}
                  ]
                }
                """);
        CrewFile file = CrewAiImport.load(project, PersonaLibrary.builtIn(), tools());
        assertThat(file.crew().name()).isEqualTo("research_crew");
        assertThat(file.inputs()).containsEntry("topic", "JVM agents");
        Step.Sequential process = (Step.Sequential) file.crew().process();
        Step.Work research = (Step.Work) process.steps().get(0);
        assertThat(research.agent().persona().model()).isEqualTo("anthropic:claude-sonnet-4-6");
        assertThat(research.agent().persona().temperature()).isEqualTo(0.2);
        assertThat(((Step.Work) process.steps().get(1)).task().outputSchema().get("required").get(0).asText()).isEqualTo("title");
        assertThat(file.notes()).containsExactly(project.resolve("crew.jsonc") + ":4:3: the crew: 'verbose' is not supported by Cadre and was ignored");
    }

    @Test
    void typosAndMissingPiecesAreLocatedErrors() throws Exception {
        classic();
        Files.writeString(project.resolve("src/latest_ai/config/tasks.yaml"), TASKS.replace("expected_output: >\n    A fully", "expected_ouput: >\n    A fully"));
        assertThatThrownBy(() -> CrewAiImport.load(project, PersonaLibrary.builtIn(), tools()))
                .hasMessage(project.resolve("src/latest_ai/config/tasks.yaml") + ":13:3: unknown key 'expected_ouput' in task 'reporting_task'"
                        + " — did you mean 'expected_output'?");
        Files.writeString(project.resolve("src/latest_ai/config/tasks.yaml"), TASKS.replace("agent: reporting_analyst", "agent: reporting_analist"));
        assertThatThrownBy(() -> CrewAiImport.load(project, PersonaLibrary.builtIn(), tools()))
                .hasMessage(project.resolve("src/latest_ai/config/tasks.yaml") + ":15:10: task 'reporting_task' names agent 'reporting_analist',"
                        + " which is not defined — did you mean 'reporting_analyst'?");
        assertThatThrownBy(() -> CrewAiImport.load(project.resolve("nothing-here"), PersonaLibrary.builtIn(), tools()))
                .hasMessageStartingWith("No CrewAI project in " + project.resolve("nothing-here"));
    }
}
