package dev.cadre.api.crew;

import java.util.List;
import java.util.Objects;

/**
 * The commands a crew lets its agents run (a crew file's {@code commands:}) and the sandbox they run in (its
 * {@code sandbox:}), as data: the code that assembles a run turns it into a {@code run_command} tool in its workspace
 * (the tools module's {@code StandardTools.commandRunner}).
 *
 * @param commands the command lines allowed, e.g. {@code mvn -q test}; never empty
 * @param sandbox  how the commands are confined
 */
public record CrewCommands(List<String> commands, CommandSandbox sandbox) {
    public CrewCommands {
        commands = List.copyOf(commands);
        if (commands.isEmpty() || commands.stream().allMatch(String::isBlank)) {
            throw new IllegalArgumentException("A crew's commands are empty; list the command lines agents may run, e.g. mvn -q test.");
        }
        Objects.requireNonNull(sandbox, "sandbox");
    }

    /** These commands in the {@linkplain CommandSandbox#DEFAULT default sandbox}. */
    public static CrewCommands of(String... commands) {
        return new CrewCommands(List.of(commands), CommandSandbox.DEFAULT);
    }

    /** The same commands in another sandbox. */
    public CrewCommands withSandbox(CommandSandbox sandbox) {
        return new CrewCommands(commands, sandbox);
    }
}
