package dev.cadre.spring;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** An OpenAI-compatible chat server on loopback that answers every request with one text, plain or streamed. */
final class OpenAiStub implements AutoCloseable {

    /** What a request brought: its Authorization header and its JSON body. */
    record Seen(String authorization, String body) {}

    final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final HttpServer server;

    OpenAiStub(String answer) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/chat/completions", exchange -> {
            String body = new String(exchange.getRequestBody().readNBytes(1 << 20), StandardCharsets.UTF_8);
            seen.add(new Seen(exchange.getRequestHeaders().getFirst("Authorization"), body));
            String usage = "\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":2,\"total_tokens\":9}";
            String text = "\"" + answer.replace("\"", "\\\"") + "\"";
            boolean stream = body.replace(" ", "").contains("\"stream\":true");
            String reply = stream
                    ? "data: {\"id\":\"s\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                            + "\"delta\":{\"role\":\"assistant\",\"content\":" + text + "},\"finish_reason\":null}]}\n\n"
                            + "data: {\"id\":\"s\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                            + "\"delta\":{},\"finish_reason\":\"stop\"}]," + usage + "}\n\ndata: [DONE]\n\n"
                    : "{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                            + "\"message\":{\"role\":\"assistant\",\"content\":" + text + "},\"finish_reason\":\"stop\"}]," + usage + "}";
            byte[] bytes = reply.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", stream ? "text/event-stream" : "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
    }

    /** The base URL an OpenAI client is given. */
    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
