package dev.cadre.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Before a run: the model servers a crew's models talk to must answer. Only servers a setting names are tried
 * ({@code OPENAI_BASE_URL}, {@code OLLAMA_BASE_URL} or Ollama's local default): a TCP connect, bounded by
 * {@link #PROBE}; nothing is sent. A hosted provider's default endpoint is not tried. A fallback chain needs one
 * server that answers.
 */
final class ModelServers {

    static final Duration PROBE = Duration.ofSeconds(2);
    static final String OLLAMA_DEFAULT = "http://localhost:11434";

    /** A server a model reference talks to, and the setting that names it. */
    record Server(String url, String setting) {}

    private ModelServers() {}

    /** The server {@code ref} (e.g. {@code openai:gpt-4.1-mini}) talks to, when a setting names one. */
    static Optional<Server> of(String ref, Map<String, String> env) {
        String provider = ref.contains(":") ? ref.substring(0, ref.indexOf(':')) : ref;
        return switch (provider) {
            case "openai" -> Optional.ofNullable(env.get("OPENAI_BASE_URL")).map(u -> new Server(u, "OPENAI_BASE_URL"));
            case "ollama" -> Optional.of(env.containsKey("OLLAMA_BASE_URL") ? new Server(env.get("OLLAMA_BASE_URL"), "OLLAMA_BASE_URL")
                    : new Server(OLLAMA_DEFAULT, "OLLAMA_BASE_URL (not set, so Ollama's default)"));
            default -> Optional.empty();
        };
    }

    /** Fails with one sentence naming the URL and its setting when a server of {@code refs} does not answer. */
    static void requireReachable(Collection<String> refs, Map<String, String> env) {
        Map<String, Optional<String>> tried = new LinkedHashMap<>();
        for (String ref : refs) {
            List<String> chain = ref.startsWith("fallback:") ? List.of(ref.substring("fallback:".length()).split(",")) : List.of(ref);
            List<String> failures = new ArrayList<>();
            boolean answered = false;
            for (String member : chain) {
                Optional<Server> server = of(member.strip(), env);
                if (server.isEmpty()) {
                    answered = true;
                    continue;
                }
                Optional<String> problem = tried.computeIfAbsent(server.get().url(), ModelServers::probe);
                if (problem.isEmpty()) {
                    answered = true;
                } else {
                    failures.add("The model server " + server.get().url() + " (" + server.get().setting() + ", for " + member.strip()
                            + ") does not answer: " + problem.get() + "; start it, or set " + server.get().setting().split(" ")[0]
                            + " to a server that runs.");
                }
            }
            if (!answered) {
                throw new IllegalArgumentException(failures.get(0));
            }
        }
    }

    /** Empty when {@code url}'s host accepts a connection within {@link #PROBE}; else why not. */
    static Optional<String> probe(String url) {
        URI uri;
        try {
            uri = URI.create(url.strip());
        } catch (IllegalArgumentException e) {
            return Optional.of("it is not a URL");
        }
        if (uri.getHost() == null || !(("http".equals(uri.getScheme())) || "https".equals(uri.getScheme()))) {
            return Optional.of("it is not an http or https URL");
        }
        int port = uri.getPort() != -1 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(uri.getHost(), port), (int) PROBE.toMillis());
            return Optional.empty();
        } catch (java.net.SocketTimeoutException e) {
            return Optional.of("no connection within " + PROBE.toSeconds() + " seconds");
        } catch (java.net.UnknownHostException e) {
            return Optional.of("the host " + uri.getHost() + " is unknown");
        } catch (IOException e) {
            return Optional.of(e.getMessage() == null ? "the connection failed" : e.getMessage().replaceAll("\\s*\\(.*\\)$", "").toLowerCase());
        }
    }
}
