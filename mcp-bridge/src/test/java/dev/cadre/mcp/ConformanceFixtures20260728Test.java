package dev.cadre.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.CadreJson;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.modern.McpSchema;
import io.modelcontextprotocol.modern.client.McpClient;
import io.modelcontextprotocol.modern.client.McpSyncClient;
import io.modelcontextprotocol.modern.client.transport.HttpClientMcpTransport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The 2026-07-28 fixtures of {@code --profile conformance}, from the SDK's modern client (which runs the multi
 * round-trip loop itself): the {@code test_input_required_result_*} tools ask and then answer, and the tasks fixtures
 * answer in place for a client that does not declare the tasks extension (or refuse, when they need it).
 */
class ConformanceFixtures20260728Test {

    @TempDir
    Path root;

    @TempDir
    Path runs;

    final McpJsonMapper json = new JacksonMcpJsonMapper(CadreJson.newMapper());
    CadreMcpServer server;

    @AfterEach
    void tearDown() {
        if (server != null) {
            server.close();
        }
    }

    McpSyncClient client(List<McpSchema.ElicitFormRequest> asked) {
        server = CadreMcpServer.http(McpServerConfig.builder().root(root).runsDirectory(runs).conformanceFixtures(true).build(),
                "127.0.0.1", 0, null, List.of());
        return McpClient.sync(HttpClientMcpTransport.builder(server.endpoint()).jsonMapper(json).build()).jsonMapper(json)
                .callTimeout(Duration.ofSeconds(30)).clientInfo(McpSchema.Implementation.builder("ide", "1").build())
                .formElicitation(request -> {
                    asked.add(request);
                    return McpSchema.ElicitResult.accept(request.message().startsWith("Step 2") ? Map.of("color", "teal")
                            : Map.of("name", "Alice"));
                }).build();
    }

    static String text(McpSchema.CallToolResult result) {
        return ((McpSchema.TextContent) result.content().get(0)).text();
    }

    @Test
    void theInputRequiredFixturesAskThenAnswer() {
        List<McpSchema.ElicitFormRequest> asked = new CopyOnWriteArrayList<>();
        McpSyncClient client = client(asked);
        assertThat(text(client.tool("test_input_required_result_elicitation").call())).isEqualTo("Hello, Alice!");
        assertThat(text(client.tool("test_input_required_result_multi_round").call())).isEqualTo("Round 3: teal for the user.");
        assertThat(asked).extracting(McpSchema.ElicitFormRequest::message)
                .containsExactly("What is your name?", "Step 1: What is your name?", "Step 2: Alice, what is your favourite colour?");
        McpSchema.CallToolOutcome first = client.tool("test_input_required_result_tampered_state").callOnce();
        assertThat(first).isInstanceOf(McpSchema.InputRequiredResult.class);
        String state = ((McpSchema.InputRequiredResult) first).requestState();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.tool("test_input_required_result_tampered_state")
                        .requestState(state + "-TAMPERED")
                        .inputResponses(Map.of("confirm", McpSchema.ElicitResult.accept(Map.of("ok", true)))).callOnce())
                .as("a tampered requestState is refused").isNotNull();
    }

    @Test
    void theTaskFixturesAnswerInPlaceWithoutTheExtensionOrRefuse() {
        McpSyncClient client = client(new CopyOnWriteArrayList<>());
        assertThat(text(client.tool("greet").arguments(Map.of("name", "World")).call())).isEqualTo("Hello, World!");
        assertThat(text(client.tool("slow_compute").arguments(Map.of("seconds", 0, "label", "now")).call())).isEqualTo("Computed now in 0s.");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.tool("failing_job").call())
                .hasMessageContaining("Missing required client capability");
    }
}
