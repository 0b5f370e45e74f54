package dev.cadre.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.cadre.api.CrewSource;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The commands a crew may run in this workspace. {@code --allow} replaces the crew's own. A built-in crew's command
 * runs the bundled demo project's tests; on another project the project's own test command is detected
 * ({@link ProjectTests}) and proposed: confirmed on a terminal, accepted with {@code --yes}, otherwise the run stops
 * before it starts and says which {@code --allow} to pass. The crew's definition is rewritten with the commands
 * chosen, so the journal records what the run may do.
 */
final class AllowedCommands {

    private static final YAMLMapper YAML = YAMLMapper.builder().enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).build();
    private static final ObjectMapper JSONC = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_JAVA_COMMENTS)
            .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_YAML_COMMENTS)
            .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_TRAILING_COMMA).build();

    private AllowedCommands() {}

    /** How the user answers a proposal: {@code null} when nobody can answer here. */
    interface Confirm {
        Boolean ask(String question);

        static Confirm terminal(BufferedReader in, PrintStream out) {
            return question -> {
                out.print(question + " [y/N] ");
                out.flush();
                try {
                    String line = in.readLine();
                    return line != null && line.strip().toLowerCase().matches("y|yes");
                } catch (IOException e) {
                    return false;
                }
            };
        }
    }

    /** The source with the commands to allow in {@code workspace}; unchanged when the crew's own commands fit. */
    static CrewSource choose(CrewSource source, Path workspace, List<String> allow, boolean yes, Confirm confirm, PrintStream err) {
        JsonNode tree = read(source);
        if (!tree.isObject()) {
            return source;
        }
        if (!allow.isEmpty()) {
            return withCommands(source, (ObjectNode) tree, allow);
        }
        List<String> own = new ArrayList<>();
        tree.path("commands").forEach(c -> own.add(c.asText()));
        if (own.isEmpty() || !source.origin().startsWith("builtin:") || own.stream().allMatch(c -> runnable(c, workspace))) {
            return source;
        }
        String crew = tree.path("name").asText();
        Optional<ProjectTests.Detected> detected = ProjectTests.detect(workspace);
        String lacking = "The " + crew + " crew runs " + String.join(", ", own) + " (the bundled demo project's tests), which "
                + workspace.toAbsolutePath().normalize() + " does not have";
        if (detected.isEmpty()) {
            throw new IllegalArgumentException(lacking + ", and Cadre cannot tell how its tests run: pass --allow \"the command that"
                    + " runs them\", e.g. --allow \"mvn -q test\".");
        }
        String command = detected.get().command();
        String proposal = "This project's tests look like: " + command + " (from " + detected.get().from() + ").";
        if (yes) {
            err.println(proposal + " Allowed (--yes).");
            return withCommands(source, (ObjectNode) tree, List.of(command));
        }
        Boolean answer = confirm == null ? null : confirm.ask(proposal + " Let the " + crew + " crew run it?");
        if (answer == null) {
            throw new IllegalArgumentException(lacking + "; its tests look like " + command + " (from " + detected.get().from()
                    + "): pass --allow \"" + command + "\", or --yes to accept it.");
        }
        if (!answer) {
            throw new IllegalArgumentException("Not allowed; pass --allow \"the command that runs its tests\" to choose another.");
        }
        return withCommands(source, (ObjectNode) tree, List.of(command));
    }

    /** Whether each relative path a command names (tests/RunTests.java) is in the workspace. */
    static boolean runnable(String command, Path workspace) {
        for (String word : command.strip().split("\\s+")) {
            if ((word.contains("/") || word.matches(".*\\.(java|py|js|sh)$")) && !word.startsWith("-") && !word.startsWith("/")
                    && !word.startsWith("./") && !Files.exists(workspace.resolve(word))) {
                return false;
            }
        }
        return true;
    }

    /** {@code source} allowed to run exactly {@code commands} (its {@code commands:} replaced). */
    static CrewSource allowing(CrewSource source, List<String> commands) {
        JsonNode tree = read(source);
        if (!tree.isObject()) {
            throw new IllegalArgumentException("The crew " + source.origin() + " is not a mapping of keys.");
        }
        return withCommands(source, (ObjectNode) tree, commands);
    }

    private static CrewSource withCommands(CrewSource source, ObjectNode tree, List<String> commands) {
        ObjectNode copy = tree.deepCopy();
        ArrayNode list = copy.putArray("commands");
        commands.forEach(list::add);
        // keep `commands` where a reader looks for it: right after name and description
        ObjectNode ordered = JSONC.createObjectNode();
        for (String key : new String[] {"name", "description", "commands"}) {
            if (copy.has(key)) ordered.set(key, copy.get(key));
        }
        copy.fields().forEachRemaining(e -> {
            if (!ordered.has(e.getKey())) ordered.set(e.getKey(), e.getValue());
        });
        try {
            String text = json(source) ? JSONC.writerWithDefaultPrettyPrinter().writeValueAsString(ordered)
                    : YAML.writeValueAsString(ordered);
            return CrewSource.of(source.origin(), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean json(CrewSource source) {
        return source.origin().endsWith(".json") || source.origin().endsWith(".jsonc");
    }

    private static JsonNode read(CrewSource source) {
        try {
            ObjectMapper mapper = json(source) ? JSONC : YAML;
            return mapper.readTree(source.text());
        } catch (IOException e) {
            return JSONC.nullNode(); // the loader reports the file's error with its location
        }
    }
}
