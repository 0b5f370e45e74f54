package dev.cadre.cli;

import dev.cadre.api.CrewSource;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.RunHandle;
import dev.cadre.api.Task;
import dev.cadre.api.Tool;
import dev.cadre.orchestrator.journal.RunsDirectory;
import dev.cadre.mcp.McpClientTools;
import dev.cadre.orchestrator.Orchestrator;
import dev.cadre.orchestrator.RunOptions;
import dev.cadre.personas.CrewFile;
import dev.cadre.personas.CrewVariables;
import dev.cadre.personas.PersonaLibrary;
import dev.cadre.tools.Workspace;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cadre run <crew.yaml | built-in name> --task "..."}: runs a crew in a workspace and shows it. */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Run a crew (a crew file or a built-in crew) on a task.")
final class RunCommand implements Callable<Integer> {

    @Mixin
    RunSettings settings = new RunSettings();

    @Parameters(paramLabel = "CREW", description = "A crew file (.yaml, .json), a CrewAI project directory, or a built-in crew:"
            + " coder-reviewer, debate, hierarchical.")
    String crew;

    @Option(names = "--task", required = true, description = "What the crew should do.")
    String task;

    @Option(names = "--input", paramLabel = "KEY=VALUE", description = "A value for one of the crew's {variables} (repeatable).")
    Map<String, String> inputs = new LinkedHashMap<>();

    @Option(names = "--tool", paramLabel = "NAME=CADRE_TOOL", description = "Map a CrewAI project's tool (a name or a Python"
            + " class such as SerperDevTool) to a Cadre tool, e.g. SerperDevTool=workspace_search (repeatable).")
    Map<String, String> toolMap = new LinkedHashMap<>();

    @Option(names = "--allow", paramLabel = "COMMAND", description = "A command line the crew may run instead of its own"
            + " (repeatable), e.g. --allow \"mvn -q test\"; without it a built-in crew proposes the project's test command.")
    List<String> allow = new java.util.ArrayList<>();

    @Mixin
    CrewSources sources = new CrewSources();

    @Mixin
    TemporalOptions temporal = new TemporalOptions();


    @Override
    public Integer call() {
        Map<String, String> env = System.getenv();
        PersonaLibrary library = sources.personas == null ? PersonaLibrary.builtIn() : PersonaLibrary.builtIn().withDirectory(sources.personas);
        try (McpClientTools external = sources.servers == null ? null : McpClientTools.load(sources.servers)) {
            List<Tool> extra = external == null ? List.of() : external.tools();
            Runs.requireWorkspace(sources.workspace);
            RunsDirectory.requireOutside(settings.runs(), sources.workspace);
            Workspace workspace = Workspace.at(sources.workspace);
            CrewDefinitions.Definition found = CrewDefinitions.find(crew, library, Runs.tools(workspace, extra), toolMap);
            BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            boolean terminal = Runs.onTerminal() && !settings.json;
            CrewSource source = AllowedCommands.choose(found.source(), sources.workspace, allow, settings.yes,
                    terminal ? AllowedCommands.Confirm.terminal(stdin, System.out) : null, System.err);
            CrewDefinitions.Definition definition = new CrewDefinitions.Definition(found.name(), source, found.notes());
            CrewFile file = CrewDefinitions.load(definition, Runs.loader(library, workspace, extra));
            CrewDefinitions.printNotes(file.notes(), System.err);
            Map<String, String> values = new LinkedHashMap<>(file.inputs());
            values.putAll(inputs);
            CrewVariables.requireInputs(file.crew(), values, name -> "pass --input " + name + "=VALUE");
            OutputFiles outputFiles = OutputFiles.check(file, workspace, values);
            ModelRegistry models = ModelConfig.registry(env, settings.defaultModelOnly("cadre run"));
            Runs.requireModels(file.crew(), models, env);
            Runs.Session session = Runs.session(System.out, settings.json, settings.yes, stdin);
            if (temporal.enabled()) {
                try (TemporalRuns cluster = TemporalRuns.connect(temporal, models, settings.runsOption, env)) {
                    RunHandle run = cluster.cadre().run(file.crew(), Task.of("task", task).withInputs(values),
                            RunOptions.DEFAULTS.withCrewSource(source).withStreaming(session.view().live()));
                    return outputFiles.afterRun(run, cluster.follow(run, session, settings.runsOption), System.err);
                }
            }
            Orchestrator orchestrator = Runs.orchestrator(models, env, settings.runsOption, session.gate());
            RunHandle run = orchestrator.run(file.crew(), Task.of("task", task).withInputs(values),
                    RunOptions.DEFAULTS.withCrewSource(source).withWorkspace(sources.workspace)
                            .withStreaming(session.view().live()));
            return outputFiles.afterRun(run, Runs.follow(run, session, settings.runsOption, System.out, System.err), System.err);
        }
    }
}
