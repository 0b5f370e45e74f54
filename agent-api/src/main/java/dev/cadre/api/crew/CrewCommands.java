package dev.cadre.api.crew;

import java.util.List;

/**
 * The commands a crew lets its agents run (a crew file's {@code commands:}), as data: the code that assembles a run
 * turns it into a {@code run_command} tool in its workspace (the tools module's {@code StandardTools.commandRunner}).
 *
 * @param commands the command lines allowed, e.g. {@code mvn -q test}; never empty
 */
public record CrewCommands(List<String> commands) {
    public CrewCommands {
        commands = List.copyOf(commands);
        if (commands.isEmpty() || commands.stream().allMatch(String::isBlank)) {
            throw new IllegalArgumentException("A crew's commands are empty; list the command lines agents may run, e.g. mvn -q test.");
        }
    }

    public static CrewCommands of(String... commands) {
        return new CrewCommands(List.of(commands));
    }
}
