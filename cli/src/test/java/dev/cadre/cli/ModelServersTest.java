package dev.cadre.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The model servers a crew talks to are tried before the run; the message names the URL and the setting. */
class ModelServersTest {

    /** A loopback port nothing listens on (bound, then closed). */
    static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void anUnreachableServerIsNamedWithItsSettingBeforeTheRun() throws Exception {
        String url = "http://127.0.0.1:" + closedPort() + "/v1";
        assertThatThrownBy(() -> ModelServers.requireReachable(List.of("openai:gpt-4.1-mini"), Map.of("OPENAI_BASE_URL", url)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("The model server " + url + " (OPENAI_BASE_URL, for openai:gpt-4.1-mini) does not answer: connection"
                        + " refused; start it, or set OPENAI_BASE_URL to a server that runs.");
        String ollama = "http://127.0.0.1:" + closedPort();
        assertThatThrownBy(() -> ModelServers.requireReachable(List.of("ollama:qwen2.5-coder"), Map.of("OLLAMA_BASE_URL", ollama)))
                .hasMessageStartingWith("The model server " + ollama + " (OLLAMA_BASE_URL, for ollama:qwen2.5-coder) does not answer");
        assertThat(ModelServers.of("ollama:qwen2.5-coder", Map.of())).contains(new ModelServers.Server("http://localhost:11434",
                "OLLAMA_BASE_URL (not set, so Ollama's default)"));
    }

    @Test
    void aServerThatListensPassesAndNoConfiguredUrlIsNotTried() throws Exception {
        try (ServerSocket listening = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String url = "http://127.0.0.1:" + listening.getLocalPort() + "/v1";
            assertThatCode(() -> ModelServers.requireReachable(List.of("openai:gpt-4.1-mini"), Map.of("OPENAI_BASE_URL", url)))
                    .doesNotThrowAnyException();
            String down = "http://127.0.0.1:" + closedPort();
            assertThatCode(() -> ModelServers.requireReachable(List.of("fallback:ollama:qwen,openai:gpt-4.1-mini"),
                    Map.of("OPENAI_BASE_URL", url, "OLLAMA_BASE_URL", down))).as("a fallback chain needs one server that answers")
                    .doesNotThrowAnyException();
        }
        assertThat(ModelServers.of("openai:gpt-4.1-mini", Map.of())).as("the hosted default is not tried").isEmpty();
        assertThat(ModelServers.of("anthropic:claude-sonnet-4-5", Map.of())).isEmpty();
        assertThat(ModelServers.probe("ftp://example")).contains("it is not an http or https URL");
    }
}
