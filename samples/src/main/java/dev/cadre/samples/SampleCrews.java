package dev.cadre.samples;

import dev.cadre.api.Agent;
import dev.cadre.api.Persona;
import dev.cadre.api.RiskLevel;
import dev.cadre.api.Task;
import dev.cadre.api.Tool;
import dev.cadre.api.crew.Crew;
import dev.cadre.api.crew.CrewCommands;
import dev.cadre.api.crew.CrewPolicy;
import dev.cadre.api.crew.Review;
import dev.cadre.api.crew.Step;
import dev.cadre.api.crew.Until;
import dev.cadre.personas.BuiltInCrews;
import dev.cadre.personas.CrewFile;
import dev.cadre.personas.CrewLoader;
import dev.cadre.personas.PersonaLibrary;
import dev.cadre.tools.StandardTools;
import dev.cadre.tools.Workspace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The sample crews: the built-in crew files loaded in a workspace, and coder-reviewer built in Java. */
public final class SampleCrews {

    /** The built-in crews, by name. */
    public static final List<String> NAMES = BuiltInCrews.NAMES;

    /** The command the demo project's tests run with (the JDK alone). */
    public static final String TEST_COMMAND = "java tests/RunTests.java";

    private SampleCrews() {}

    /** The YAML text of a built-in crew. */
    public static String yaml(String name) {
        return BuiltInCrews.yaml(name);
    }

    /** The tools the samples use in a workspace: the workspace tools and git (the crew file adds run_command). */
    public static List<Tool> tools(Workspace workspace) {
        return StandardTools.forWorkspace(workspace);
    }

    /** A built-in crew loaded from its YAML for {@code workspace}. */
    public static CrewFile load(String name, PersonaLibrary library, Workspace workspace) {
        return BuiltInCrews.load(name, CrewLoader.of(library, tools(workspace))
                .withCommandTool(commands -> StandardTools.commandRunner(workspace, commands)).withExecutedFiles(StandardTools::withExecutedFiles));
    }

    /**
     * The coder-reviewer crew built in Java: the same crew as {@code coder-reviewer.yaml}, for programs that embed
     * Cadre instead of loading files.
     */
    public static Crew coderReviewer(PersonaLibrary library, Workspace workspace) {
        List<Tool> tools = new ArrayList<>(tools(workspace));
        tools.add(StandardTools.commandRunner(workspace, CrewCommands.of(TEST_COMMAND)));
        Agent coder = Agent.resolve(library.persona("coder"), tools);
        Persona reviewerPersona = library.persona("reviewer");
        Agent reviewer = Agent.resolve(new Persona("reviewer", reviewerPersona.role(), reviewerPersona.goal(),
                reviewerPersona.backstory(), reviewerPersona.instructions(), reviewerPersona.examples(), reviewerPersona.model(),
                reviewerPersona.temperature(), List.of("workspace_read", "workspace_search", "workspace_glob", "run_command", "git_diff"),
                reviewerPersona.maxToolRounds(), reviewerPersona.output()), tools);
        Persona writerPersona = library.persona("technical-writer");
        Agent writer = Agent.of(new Persona("writer", writerPersona.role(), writerPersona.goal(), writerPersona.backstory(),
                writerPersona.instructions(), writerPersona.examples(), writerPersona.model(), writerPersona.temperature(), List.of(),
                writerPersona.maxToolRounds(), writerPersona.output()));
        Task code = Task.builder("code").description("{task}").expectedOutput("What you changed, why, and the test result")
                .context("review").build();
        Task review = Task.builder("review").description("Run the tests yourself and read the change. Approve only when every"
                + " test passes and the change is right.").context("code").build();
        Task summary = Task.builder("summary").description("In three lines, tell the human who signs this off what changed and"
                + " how it was checked.").context("code", "review").build();
        Step process = Step.sequential("coder-reviewer",
                Step.loop("review-loop", Until.verdict("review", "verdict", "APPROVED"), 3,
                        new Step.Work("code", rename(coder, "coder"), code, Review.NONE),
                        new Step.Work("review", rename(reviewer, "reviewer"), review, Review.NONE)),
                new Step.Work("summary", writer, summary, Review.afterWork()));
        return new Crew("coder-reviewer", process, CrewPolicy.builder().approveToolsFrom(RiskLevel.WRITES)
                .runBudget(dev.cadre.api.Budget.UNLIMITED.withMaxTokens(400_000).withMaxWallTime(Duration.ofMinutes(30))).build());
    }

    private static Agent rename(Agent agent, String id) {
        return agent.id().equals(id) ? agent : new Agent(agent.persona().toBuilder().id(id).build(), agent.tools());
    }

}
