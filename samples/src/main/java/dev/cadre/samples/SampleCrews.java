package dev.cadre.samples;

import dev.cadre.api.Agent;
import dev.cadre.api.Persona;
import dev.cadre.api.RiskLevel;
import dev.cadre.api.Task;
import dev.cadre.api.Tool;
import dev.cadre.api.crew.Crew;
import dev.cadre.api.crew.CrewPolicy;
import dev.cadre.api.crew.Review;
import dev.cadre.api.crew.Step;
import dev.cadre.api.crew.Until;
import dev.cadre.personas.CrewFile;
import dev.cadre.personas.CrewLoader;
import dev.cadre.personas.PersonaLibrary;
import dev.cadre.tools.CommandRunner;
import dev.cadre.tools.GitTools;
import dev.cadre.tools.Workspace;
import dev.cadre.tools.WorkspaceTools;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The sample crews, from their YAML files or (coder-reviewer) built in Java. */
public final class SampleCrews {

    /** The built-in crews, by name. */
    public static final List<String> NAMES = List.of("coder-reviewer", "debate", "hierarchical");

    /** The command the bundled project's tests run with (the JDK alone). */
    public static final String TEST_COMMAND = "java tests/RunTests.java";

    private SampleCrews() {}

    /** The YAML text of a built-in crew. */
    public static String yaml(String name) {
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("There is no built-in crew '" + name + "'; built-in crews: " + String.join(", ", NAMES) + ".");
        }
        try (InputStream in = SampleCrews.class.getResourceAsStream("crews/" + name + ".yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The tools the samples use in a workspace: the workspace tools and git (the crew file adds run_command). */
    public static List<Tool> tools(Workspace workspace) {
        List<Tool> tools = new ArrayList<>(WorkspaceTools.create(workspace));
        tools.addAll(GitTools.create(workspace));
        return tools;
    }

    /** A built-in crew loaded from its YAML for {@code workspace}. */
    public static CrewFile load(String name, PersonaLibrary library, Workspace workspace) {
        return CrewLoader.of(library, tools(workspace)).inWorkspace(workspace).load("builtin:" + name + ".yaml", yaml(name));
    }

    /**
     * The coder-reviewer crew built in Java: the same crew as {@code coder-reviewer.yaml}, for programs that embed
     * Cadre instead of loading files.
     */
    public static Crew coderReviewer(PersonaLibrary library, Workspace workspace) {
        List<Tool> tools = tools(workspace);
        tools.add(new CommandRunner(workspace, List.of(TEST_COMMAND), Duration.ofMinutes(5), 16 * 1024, System.getenv()));
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
        return new Crew("coder-reviewer", process, CrewPolicy.DEFAULT.approveToolsFrom(RiskLevel.WRITES)
                .withRunBudget(dev.cadre.api.Budget.UNLIMITED.withMaxTokens(400_000).withMaxWallTime(Duration.ofMinutes(30))));
    }

    private static void gitInit(Path project) {
        try {
            for (List<String> cmd : List.of(List.of("git", "init", "-q"), List.of("git", "add", "."),
                    List.of("git", "-c", "user.name=cadre", "-c", "user.email=samples@cadre.invalid", "commit", "-q", "-m", "original"))) {
                Process p = new ProcessBuilder(cmd).directory(project.toFile()).redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
                    return;
                }
            }
        } catch (IOException e) {
            // no git: the reviewer reads the files instead of the diff
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Agent rename(Agent agent, String id) {
        return agent.id().equals(id) ? agent : new Agent(agent.persona().toBuilder().id(id).build(), agent.tools());
    }

    /**
     * Copies the bundled calculator project (one failing test) into {@code target}, which must be empty or absent, and
     * makes it a git repository with the original files committed (when git is installed), so a diff shows changes.
     */
    public static Path copyProject(Path target) {
        try {
            Files.createDirectories(target.resolve("src"));
            Files.createDirectories(target.resolve("tests"));
            for (String file : List.of("README.md", "src/Calculator.java", "tests/CalculatorTest.java", "tests/RunTests.java")) {
                try (InputStream in = SampleCrews.class.getResourceAsStream("projects/calculator/" + file)) {
                    Files.copy(in, target.resolve(file));
                }
            }
            gitInit(target);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot copy the sample project to " + target + ": " + e.getMessage(), e);
        }
    }
}
