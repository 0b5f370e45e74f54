package dev.cadre.eval;

import dev.cadre.api.CrewSource;
import dev.cadre.api.Tool;
import dev.cadre.api.crew.Crew;
import dev.cadre.personas.CrewFile;
import dev.cadre.personas.CrewLoader;
import dev.cadre.personas.PersonaLibrary;
import dev.cadre.tools.StandardTools;
import dev.cadre.tools.Workspace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A crew under evaluation: its name in reports, and how to make it for one run's workspace (each run works in a
 * fresh copy of its case's project, so the crew's tools are bound to that copy).
 *
 * @param name   the name in reports and run ids
 * @param source the definition it was loaded from, or {@code null} for a crew built in code
 * @param make   the crew (with its default inputs) for a workspace
 */
public record EvalCrew(String name, CrewSource source, Function<Workspace, CrewFile> make) {

    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}");

    public EvalCrew {
        if (name == null || !NAME.matcher(name).matches() || name.contains("__")) {
            throw new IllegalArgumentException("Crew name '" + name + "' cannot be evaluated: use 1 to 64 letters, digits, '_', '.'"
                    + " or '-', without '__'.");
        }
        Objects.requireNonNull(make, "make");
    }

    /** A crew built in code that needs no workspace tools. */
    public static EvalCrew of(Crew crew) {
        CrewFile file = new CrewFile(crew, Map.of(), List.of());
        return new EvalCrew(crew.name(), null, workspace -> file);
    }

    /** A crew built in code for each workspace. */
    public static EvalCrew of(String name, Function<Workspace, Crew> make) {
        return new EvalCrew(name, null, workspace -> new CrewFile(make.apply(workspace), Map.of(), List.of()));
    }

    /**
     * A crew file (or built-in crew's text), loaded for each run with the standard workspace tools and its allowed
     * commands in that run's workspace. It is loaded once now, so that a mistake in it is found before anything runs.
     */
    public static EvalCrew load(CrewSource source, PersonaLibrary library) {
        Function<Workspace, CrewFile> make = workspace -> {
            List<Tool> tools = new ArrayList<>(StandardTools.forWorkspace(workspace));
            return CrewLoader.of(library, tools).withCommandTool(commands -> StandardTools.commandRunner(workspace, commands))
                    .withExecutedFiles(StandardTools::withExecutedFiles).load(source.origin(), source.text());
        };
        return new EvalCrew(sample(make, source.origin()).name(), source, make);
    }

    /** The crew as made for a throwaway workspace: to see its shape, or find its mistakes, before anything runs. */
    Crew sample() {
        return sample(make, name);
    }

    private static Crew sample(Function<Workspace, CrewFile> make, String what) {
        Path probe = null;
        try {
            probe = Files.createTempDirectory("cadre-eval-crew-");
            return make.apply(Workspace.at(probe)).crew();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot make a directory to check crew " + what + " in: " + e.getMessage(), e);
        } finally {
            if (probe != null) {
                probe.toFile().delete();
            }
        }
    }

    /** The same crew under another name (to compare two settings of one crew file). */
    public EvalCrew named(String newName) {
        return new EvalCrew(newName, source, make);
    }
}
