package dev.cadre.mcp;

import io.modelcontextprotocol.spec.McpClientTransport;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;

/** The server features over the stdio transport (its streams piped to the SDK client inside the JVM). */
class StdioFeaturesTest extends McpServerFeaturesTest {

    private PipedInputStream clientIn;
    private PipedOutputStream clientOut;

    @Override
    CadreMcpServer start(McpServerConfig config) throws Exception {
        clientOut = new PipedOutputStream();
        PipedInputStream serverIn = new PipedInputStream(clientOut, 1 << 20);
        PipedOutputStream serverOut = new PipedOutputStream();
        clientIn = new PipedInputStream(serverOut, 1 << 20);
        return CadreMcpServer.stdio(config, serverIn, serverOut);
    }

    @Override
    McpClientTransport transport() {
        return new PipedClientTransport(clientIn, clientOut, json);
    }
}
