package dev.cadre.tools;

import dev.cadre.api.Tool;
import dev.cadre.api.crew.CrewCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The tools Cadre gives a crew in a workspace: what the CLI, the MCP server and the console assemble. */
public final class StandardTools {

    /** How long one allowed command may run. */
    public static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(5);
    /** How much of a command's output the agent sees (head and tail). */
    public static final int COMMAND_OUTPUT_CHARS = 16 * 1024;

    private StandardTools() {}

    /** The workspace file tools and the git tools, confined to {@code workspace}. */
    public static List<Tool> forWorkspace(Workspace workspace) {
        List<Tool> tools = new ArrayList<>(WorkspaceTools.create(workspace));
        tools.addAll(GitTools.create(workspace));
        return tools;
    }

    /**
     * The {@code run_command} tool for a crew's allowed commands, in {@code workspace}, in their sandbox, with a
     * scrubbed environment. Throws an {@link IllegalStateException} when the sandbox is required and none is available.
     */
    public static Tool commandRunner(Workspace workspace, CrewCommands commands) {
        return new CommandRunner(workspace, commands.commands(), COMMAND_TIMEOUT, COMMAND_OUTPUT_CHARS, System.getenv(),
                commands.sandbox());
    }

    /** {@code tools}, with the workspace tools among them treating writes to files matching {@code globs} as EXECUTES. */
    public static List<Tool> withExecutedFiles(List<Tool> tools, List<String> globs) {
        return WorkspaceTools.withExecutedFiles(tools, globs);
    }
}
