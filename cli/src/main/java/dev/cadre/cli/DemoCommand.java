package dev.cadre.cli;

import dev.cadre.api.ModelRegistry;
import dev.cadre.api.RunHandle;
import dev.cadre.api.Task;
import dev.cadre.cli.demo.DemoProject;
import dev.cadre.cli.demo.DemoScript;
import dev.cadre.orchestrator.Orchestrator;
import dev.cadre.orchestrator.RunOptions;
import dev.cadre.personas.CrewFile;
import dev.cadre.personas.PersonaLibrary;
import dev.cadre.tools.Workspace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code cadre demo}: the coder-reviewer crew fixes a failing test in a temporary copy of the bundled project. With a
 * configured model it uses it; with none, a scripted model whose replies were written in advance, and the screen
 * says so. Everything else is real: files are edited, tests run, checkpoints are asked (approved automatically when
 * not on a terminal).
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the coder-reviewer crew on a temporary copy of a small project with a failing test.")
final class DemoCommand implements Callable<Integer> {

    @Mixin
    RunSettings settings = new RunSettings();


    @Override
    public Integer call() throws IOException {
        Map<String, String> env = System.getenv();
        Path project = DemoProject.copyTo(Files.createTempDirectory("cadre-demo-").resolve("calculator"));
        dev.cadre.orchestrator.journal.RunsDirectory.requireOutside(settings.runs(), project);
        boolean scripted = ModelConfig.defaultReference(env, settings.defaultModelOnly("cadre demo")).isEmpty();
        ModelRegistry models = scripted ? ModelRegistry.of("scripted:demo", DemoScript.model()) : ModelConfig.registry(env, settings.defaultModelOnly("cadre demo"));
        boolean terminal = Runs.onTerminal() && !settings.json;
        Runs.Session session = Runs.session(System.out, settings.json, settings.yes || !terminal);
        if (!settings.json) {
            System.out.println("Cadre demo: the coder-reviewer crew fixes a failing test in " + project);
            System.out.println(scripted
                    ? "No model is configured, so this demo uses a scripted model whose replies were written in advance."
                            + "\nEverything else is real: the files are edited, the tests run, the checkpoints are asked."
                    : "Model: " + ModelConfig.defaultReference(env, settings.defaultModelOnly("cadre demo")).orElseThrow());
            if (!terminal || settings.yes) {
                System.out.println("Checkpoints are approved automatically (" + (settings.yes ? "--yes" : "not on a terminal") + ").");
            }
            System.out.println();
        }
        dev.cadre.api.CrewSource source = Runs.crewSource("coder-reviewer");
        CrewFile crew = Runs.loadCrew(source, PersonaLibrary.builtIn(), Workspace.at(project), java.util.List.of());
        Orchestrator orchestrator = Runs.orchestrator(models, env, settings.runsOption, session.gate());
        RunHandle run = orchestrator.run(crew.crew(), Task.of("fix", DemoScript.TASK), RunOptions.DEFAULTS.withCrewSource(source)
                .withWorkspace(project));
        int exit = Runs.follow(run, session, settings.runsOption, System.out, System.err);
        if (!settings.json) {
            System.out.println("Project: " + project + "  (run its tests: cd " + project + " && java tests/RunTests.java)");
        }
        return exit;
    }
}
