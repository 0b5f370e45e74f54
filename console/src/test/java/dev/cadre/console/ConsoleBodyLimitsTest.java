package dev.cadre.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.CadreJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console reads request bodies without a thread waiting for them: 200 clients that stop half way through a POST
 * do not keep the page from being answered, and each gets 408 with a JSON error after the body timeout.
 */
class ConsoleBodyLimitsTest {

    @TempDir
    Path dir;

    private static Socket slowPost(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
        socket.getOutputStream().write(("POST /api/runs HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Type: application/json\r\n"
                + "Content-Length: 1000\r\n\r\n{\"crew\"").getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return socket;
    }

    private static String answer(Socket socket) throws IOException {
        socket.setSoTimeout(30_000);
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[4096];
        try {
            int n;
            while ((n = in.read(buffer)) > 0) {
                got.write(buffer, 0, n);
            }
        } catch (java.net.SocketException reset) {
            // the server closed the connection after answering
        }
        return got.toString(StandardCharsets.UTF_8);
    }

    @Test
    void slowBodiesHoldNoThreadAndEachGets408() throws Exception {
        ConsoleFixture fixture = new ConsoleFixture(dir, null);
        try (CadreConsole console = fixture.console) {
            List<Socket> slow = new ArrayList<>();
            try {
                for (int i = 0; i < 200; i++) {
                    slow.add(slowPost(console.port()));
                }
                HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
                long start = System.nanoTime();
                // before, each slow body held one of Jetty's 200 threads in a blocking read, and this waited ~30 s
                HttpResponse<String> crews = http.send(HttpRequest.newBuilder(console.url().resolve("/api/crews"))
                        .timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
                System.out.printf("console-body-limits: /api/crews answered in %d ms with 200 slow bodies open%n",
                        (System.nanoTime() - start) / 1_000_000);
                assertThat(crews.statusCode()).isEqualTo(200);
                String text = answer(slow.get(0));
                assertThat(text).startsWith("HTTP/1.1 408");
                assertThat(CadreJson.mapper().readTree(text.substring(text.indexOf("\r\n\r\n") + 4)).path("error").asText())
                        .isEqualTo("The request body did not arrive within 10.0 s (7 bytes came).");
            } finally {
                for (Socket socket : slow) {
                    socket.close();
                }
            }
        }
    }
}
