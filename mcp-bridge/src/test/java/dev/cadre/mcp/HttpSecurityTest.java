package dev.cadre.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP transport's guard, with raw HTTP/1.1 requests (so Host can be forged): DNS-rebinding Host checks, Origin
 * checks, the bearer token (missing, wrong, near misses), no echo of the token, and a loopback-only bind.
 */
class HttpSecurityTest {

    static final String TOKEN = "s3cret-token-4b8e";
    static final String INIT = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\","
            + "\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";

    @TempDir
    Path dir;

    record Response(int status, String text) {}

    static Response post(int port, Map<String, String> headers) throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
            socket.setSoTimeout(15_000);
            StringBuilder request = new StringBuilder("POST /mcp HTTP/1.1\r\n");
            headers.forEach((k, v) -> request.append(k).append(": ").append(v).append("\r\n"));
            byte[] body = INIT.getBytes(StandardCharsets.UTF_8);
            request.append("Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n")
                    .append("Content-Length: ").append(body.length).append("\r\nConnection: close\r\n\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.write(body);
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            // until the server closes, the initialize result arrives, or an open event stream stalls
            byte[] buf = new byte[4096];
            int n;
            try {
                while ((n = in.read(buf)) > 0) {
                    head.write(buf, 0, n);
                    if (head.toString(StandardCharsets.UTF_8).contains("\"result\"")) {
                        break;
                    }
                }
            } catch (java.net.SocketTimeoutException stalled) {
                // an open event stream: what arrived is enough
            }
            String text = head.toString(StandardCharsets.UTF_8);
            return new Response(Integer.parseInt(text.substring(9, 12)), text);
        }
    }

    static Map<String, String> headers(String host, String origin, String authorization) {
        Map<String, String> h = new java.util.LinkedHashMap<>();
        h.put("Host", host);
        if (origin != null) h.put("Origin", origin);
        if (authorization != null) h.put("Authorization", authorization);
        return h;
    }

    @Test
    void refusesForgedHostsForeignOriginsAndEveryWrongToken() throws Exception {
        try (CadreMcpServer server = CadreMcpServer.http(McpServerConfig.builder().root(dir).build(),
                "127.0.0.1", 0, TOKEN, List.of("https://ide.example"))) {
            int port = server.port();
            String self = "127.0.0.1:" + port;
            String bearer = "Bearer " + TOKEN;

            List<String> hosts = List.of("evil.example:" + port, "evil.example", "127.0.0.1", "127.0.0.1:" + (port + 1),
                    "localhost.evil.example:" + port, "127.0.0.1.nip.io:" + port, "0.0.0.0:" + port, "[::ffff:7f00:1]:" + port);
            for (String host : hosts) {
                Response r = post(port, headers(host, null, bearer));
                assertThat(r.status()).as("Host " + host).isEqualTo(403);
                assertThat(r.text()).contains("DNS rebinding protection");
            }
            List<String> origins = List.of("http://evil.example", "null", "http://127.0.0.1:" + (port + 1), "https://127.0.0.1:" + port,
                    "http://localhost:" + port + ".evil.example", "http://127.0.0.1.evil.example:" + port, "https://ide.example.evil",
                    "file://");
            for (String origin : origins) {
                Response r = post(port, headers(self, origin, bearer));
                assertThat(r.status()).as("Origin " + origin).isEqualTo(403);
            }
            List<String> wrong = List.of("", "Bearer", "Bearer ", "Token " + TOKEN, "Bearer " + TOKEN.toUpperCase(),
                    "Bearer " + TOKEN.substring(0, TOKEN.length() - 1), "Bearer " + TOKEN + "x", "Bearer  " + TOKEN, "Basic " + TOKEN,
                    TOKEN, "Bearer " + TOKEN.substring(0, 4));
            for (String authorization : wrong) {
                Response r = post(port, headers(self, null, authorization.isEmpty() ? null : authorization));
                assertThat(r.status()).as("Authorization '" + authorization + "'").isEqualTo(401);
                assertThat(r.text()).contains("WWW-Authenticate: Bearer").doesNotContain(TOKEN);
            }
            // the scheme is case-insensitive (RFC 9110, 11.1); the token is not
            assertThat(post(port, headers(self, null, "bearer " + TOKEN)).status()).isNotIn(401, 403);
            int refusals = hosts.size() + origins.size() + wrong.size();
            assertThat(refusals).isEqualTo(27);

            for (String host : List.of(self, "localhost:" + port)) {
                assertThat(post(port, headers(host, null, bearer)).status()).as("Host " + host).isEqualTo(200);
            }
            for (String origin : List.of("http://127.0.0.1:" + port, "http://localhost:" + port, "https://ide.example")) {
                assertThat(post(port, headers(self, origin, bearer)).status()).as("Origin " + origin).isEqualTo(200);
            }
        }
    }

    @Test
    void aServerOnLoopbackCannotBeReachedFromAnotherInterface() throws Exception {
        Optional<InetAddress> external = NetworkInterface.networkInterfaces().filter(i -> {
            try {
                return i.isUp() && !i.isLoopback();
            } catch (java.net.SocketException e) {
                return false;
            }
        }).flatMap(NetworkInterface::inetAddresses).filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress()).findFirst();
        Assumptions.assumeTrue(external.isPresent(), "this machine has a non-loopback IPv4 address to try");
        try (CadreMcpServer server = CadreMcpServer.http(McpServerConfig.builder().root(dir).build(),
                "127.0.0.1", 0, null, List.of())) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(external.get(), server.port()), 5_000);
                throw new AssertionError("connected to " + external.get() + ":" + server.port());
            } catch (ConnectException refused) {
                assertThat(refused).hasMessageContaining("refused");
            }
        }
    }
}
