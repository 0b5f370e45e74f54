package dev.cadre.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where crews find their workspace, personas and other MCP servers' tools (picocli mixin of run and console). */
final class CrewSources {

    @Option(names = "--workspace", description = "The directory the agents work in (default: the current directory).")
    Path workspace = Path.of(".");

    @Option(names = "--personas", description = "A directory of persona files to add to the built-in library.")
    Path personas;

    @Option(names = "--servers", description = "Other MCP servers (.mcp.json shape) whose tools agents may use.")
    Path servers;
}
