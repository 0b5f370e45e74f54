package dev.cadre.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The body bound on a bare Jetty server whose handler echoes the length of the body it got. */
class BoundedBodiesTest {

    private Server server;
    private BoundedBodies bodies;
    private int port;

    private void start(BodyLimits limits) throws Exception {
        Handler echo = new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws IOException {
                String body = Content.Source.asString(request, StandardCharsets.UTF_8);
                Content.Sink.write(response, true, "got " + body.length(), callback);
                return true;
            }
        };
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        bodies = new BoundedBodies(echo, limits, r -> r.getHeaders().contains("X-Refuse")
                ? new LoopbackGuard.Refusal(401, "Unauthorized.") : null, (status, message) -> "{\"error\":\"" + message + "\"}");
        server.setHandler(bodies);
        server.start();
        port = connector.getLocalPort();
    }

    @AfterEach
    void stop() throws Exception {
        server.stop();
    }

    private Socket send(int length, String body, String extraHeader) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
        socket.getOutputStream().write(("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + length + "\r\n" + extraHeader
                + "\r\n" + body).getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
        return socket;
    }

    private static String answer(Socket socket) throws IOException {
        socket.setSoTimeout(30_000);
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[4096];
        int n;
        try {
            while ((n = in.read(buffer)) > 0) {
                got.write(buffer, 0, n);
                if (got.toString(StandardCharsets.UTF_8).matches("(?s).*\r\n\r\n.*(got \\d+|\\})$")) {
                    break;
                }
            }
        } catch (java.net.SocketException closed) {
            // answered, then closed
        }
        return got.toString(StandardCharsets.UTF_8);
    }

    @Test
    void bodiesBeyondTheBufferBudgetGet503AndTheBudgetIsGivenBack() throws Exception {
        start(new BodyLimits(1024, Duration.ofSeconds(2), 1024));
        try (Socket first = send(1024, "a".repeat(1000), "")) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (bodies.bufferedBytes() < 1000 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(bodies.bufferedBytes()).isEqualTo(1000);
            try (Socket second = send(100, "b".repeat(100), "")) {
                assertThat(answer(second)).startsWith("HTTP/1.1 503").contains("Connection: close")
                        .endsWith("{\"error\":\"The server is receiving too many request bodies at once (over 1024 bytes); try again.\"}");
            }
            assertThat(answer(first)).startsWith("HTTP/1.1 408")
                    .endsWith("{\"error\":\"The request body did not arrive within 2.0 s (1000 bytes came).\"}");
        }
        assertThat(bodies.bufferedBytes()).isZero();
        try (Socket whole = send(1024, "c".repeat(1024), "")) {
            assertThat(answer(whole)).startsWith("HTTP/1.1 200").endsWith("got 1024");
        }
        assertThat(bodies.bufferedBytes()).isZero();
    }

    @Test
    void theGateRefusesBeforeTheBodyIsReadAndOversizedBodiesGet413() throws Exception {
        start(BodyLimits.of(1024));
        try (Socket refused = send(1000, "", "X-Refuse: yes\r\n")) {
            assertThat(answer(refused)).startsWith("HTTP/1.1 401").contains("WWW-Authenticate: Bearer").endsWith("{\"error\":\"Unauthorized.\"}");
        }
        try (Socket big = send(2000, "d".repeat(2000), "")) {
            assertThat(answer(big)).startsWith("HTTP/1.1 413").endsWith("{\"error\":\"Request body over 1024 bytes.\"}");
        }
        assertThat(bodies.bufferedBytes()).isZero();
    }
}
