package dev.cadre.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** `cadre mcp --http` binds to loopback unless told otherwise. */
class McpCommandDefaultsTest {

    @Test
    void httpBindsToLoopbackByDefault() {
        McpCommand command = new McpCommand();
        new CommandLine(command).parseArgs("--http", "0");
        assertThat(command.host).isEqualTo("127.0.0.1");
        assertThat(command.token).as("no token flag: CADRE_MCP_TOKEN is used when set").isNull();
    }
}
