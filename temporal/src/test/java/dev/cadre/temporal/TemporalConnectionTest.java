package dev.cadre.temporal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where a cluster is and how to reach it: flags over the temporal CLI's variables, the API key kept out of text. */
class TemporalConnectionTest {

    @Test
    void aTargetThatIsNotHostAndPortIsOneSentence() {
        assertThatThrownBy(() -> TemporalConnection.of("localhost")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Temporal address 'localhost' is not HOST:PORT, e.g. localhost:7233 or my-namespace.a1b2c.tmprl.cloud:7233.");
        assertThatThrownBy(() -> TemporalConnection.of("localhost:99999")).hasMessageContaining("has port 99999: give 1 to 65535");
        assertThatThrownBy(() -> TemporalConnection.of("a b:7233")).hasMessageContaining("is not HOST:PORT");
    }

    @Test
    void theEnvironmentFillsWhatFlagsDoNotGiveAndTheApiKeyTurnsTlsOnButIsNeverPrinted() {
        Map<String, String> env = Map.of("TEMPORAL_NAMESPACE", "prod.a1b2c", "TEMPORAL_API_KEY", "secret-key-123",
                "TEMPORAL_TLS_CA", "/etc/ca.pem");
        TemporalConnection c = TemporalConnection.fromEnvironment("prod.a1b2c.tmprl.cloud:7233", null, null, null, null, null, env);

        assertThat(c.namespace()).isEqualTo("prod.a1b2c");
        assertThat(c.tls()).isTrue();
        assertThat(c.apiKey()).isEqualTo("secret-key-123");
        assertThat(c.serverCa()).isEqualTo(Path.of("/etc/ca.pem"));
        assertThat(c.toString()).doesNotContain("secret-key-123").contains("with an API key").contains("TLS");

        TemporalConnection flags = TemporalConnection.fromEnvironment("h:7233", "mine", false, null, null, null,
                Map.of("TEMPORAL_NAMESPACE", "theirs", "TEMPORAL_TLS", "true"));
        assertThat(flags.namespace()).isEqualTo("mine");
        assertThat(flags.tls()).as("--no-tls over TEMPORAL_TLS").isFalse();
        assertThat(TemporalConnection.of("h:7233").namespace()).isEqualTo(TemporalConnection.DEFAULT_NAMESPACE);
    }

    @Test
    void aClientCertificateNeedsItsKey() {
        assertThatThrownBy(() -> TemporalConnection.fromEnvironment("h:7233", null, null, Path.of("client.pem"), null, null, Map.of()))
                .hasMessageContaining("give the client certificate and its key together");
    }

    @Test
    void aClusterThatDoesNotAnswerIsOneSentenceNamingIt() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        TemporalConnection nobody = TemporalConnection.of("127.0.0.1:" + port);
        assertThatThrownBy(nobody::connect).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Cannot reach Temporal at 127.0.0.1:" + port + " within 10 s: ");
    }
}
