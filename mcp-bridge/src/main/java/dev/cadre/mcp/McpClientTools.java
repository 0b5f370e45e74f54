package dev.cadre.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cadre.api.CadreJson;
import dev.cadre.api.RiskLevel;
import dev.cadre.api.Tool;
import dev.cadre.api.ToolResult;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonRawSchema;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Other MCP servers' tools as Cadre tools. Servers are read from a JSON file shaped like Claude Code's
 * {@code .mcp.json} ({@code mcpServers}: stdio {@code command}/{@code args}/{@code env}, or HTTP {@code url}/{@code headers});
 * each tool becomes {@code <server>__<tool>}, made to fit the provider-safe name rule. A server starts when its
 * tools are first listed; a server that died is restarted once before a call fails with a clear error; closing
 * stops every server and kills the whole process tree of stdio servers (npx starts children of its own).
 *
 * <p>Over 300 lines: the file, one connection per server (its start in either protocol version, restart and process
 * tree) and the tool conversion; the connection is the part to move out next.
 */
public final class McpClientTools implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(McpClientTools.class);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(3);

    /** One configured server. */
    public record ServerSpec(String name, String command, List<String> args, Map<String, String> env, String url,
                             Map<String, String> headers) {}

    private final List<Connection> connections = new ArrayList<>();
    private List<Tool> tools;

    private McpClientTools(List<ServerSpec> specs) {
        specs.forEach(s -> connections.add(new Connection(s)));
    }

    public static McpClientTools of(List<ServerSpec> specs) {
        return new McpClientTools(specs);
    }

    /** Reads a {@code .mcp.json}-shaped file; errors name the file and the server. */
    public static McpClientTools load(Path file) {
        JsonNode root;
        try {
            root = CadreJson.mapper().readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("MCP servers file " + file + " does not exist.");
        } catch (IOException e) {
            throw new IllegalArgumentException("MCP servers file " + file + " is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        JsonNode servers = root == null ? null : root.get("mcpServers");
        if (servers == null || !servers.isObject()) {
            throw new IllegalArgumentException("MCP servers file " + file + " has no \"mcpServers\" object.");
        }
        ObjectMapper mapper = CadreJson.mapper();
        List<ServerSpec> specs = new ArrayList<>();
        servers.fields().forEachRemaining(e -> {
            JsonNode s = e.getValue();
            String command = s.path("command").isTextual() ? s.get("command").asText() : null;
            String url = s.path("url").isTextual() ? s.get("url").asText() : null;
            if ((command == null) == (url == null)) {
                throw new IllegalArgumentException("MCP server '" + e.getKey() + "' in " + file + " needs either \"command\" (stdio)"
                        + " or \"url\" (HTTP).");
            }
            List<String> args = s.has("args") ? mapper.convertValue(s.get("args"), mapper.getTypeFactory().constructCollectionType(List.class, String.class)) : List.of();
            Map<String, String> env = s.has("env") ? mapper.convertValue(s.get("env"), mapper.getTypeFactory().constructMapType(Map.class, String.class, String.class)) : Map.of();
            Map<String, String> headers = s.has("headers") ? mapper.convertValue(s.get("headers"), mapper.getTypeFactory().constructMapType(Map.class, String.class, String.class)) : Map.of();
            specs.add(new ServerSpec(e.getKey(), command, args, env, url, headers));
        });
        return new McpClientTools(specs);
    }

    /** Every server's tools (starting the servers), named {@code <server>__<tool>}; fails on a name collision. */
    public synchronized List<Tool> tools() {
        if (tools != null) {
            return tools;
        }
        Map<String, String> seen = new LinkedHashMap<>();
        List<Tool> all = new ArrayList<>();
        for (Connection c : connections) {
            for (McpSchema.Tool t : c.listTools()) {
                String name = safeName(c.spec.name(), t.name());
                String original = c.spec.name() + "/" + t.name();
                String clash = seen.put(name, original);
                if (clash != null) {
                    throw new IllegalArgumentException("MCP tools " + clash + " and " + original + " would both be named '" + name
                            + "'; rename one of the servers.");
                }
                all.add(remoteTool(c, t, name));
            }
        }
        tools = List.copyOf(all);
        return tools;
    }

    /** {@code <server>__<tool>} with every character outside {@code [a-zA-Z0-9_-]} replaced, at most 64 characters. */
    static String safeName(String server, String tool) {
        String name = (server + "__" + tool).replaceAll("[^a-zA-Z0-9_-]", "_");
        if (name.length() > 64) {
            String hash = Integer.toHexString(name.hashCode());
            name = name.substring(0, 63 - hash.length()) + "_" + hash;
        }
        return name;
    }

    @Override
    public synchronized void close() {
        connections.forEach(Connection::stop);
    }

    /** The protocol version spoken to {@code server} (for tests): 2026-07-28 or 2025-11-25; null before it started. */
    synchronized String protocolVersion(String server) {
        return connections.stream().filter(c -> c.spec.name().equals(server)).findFirst()
                .map(c -> c.modern != null ? MODERN : c.client != null ? "2025-11-25" : null).orElse(null);
    }

    private static final String MODERN = "2026-07-28";

    /**
     * One server: its client, started on first use and restarted once when it died. An HTTP server is asked
     * {@code server/discover} first: one that answers is spoken to in MCP 2026-07-28 (stateless, the SDK's
     * {@code modern} client), the others in 2025-11-25 (a session opened with {@code initialize}). A stdio server is
     * spoken to in 2025-11-25.
     */
    private static final class Connection {
        final ServerSpec spec;
        McpSyncClient client;
        io.modelcontextprotocol.modern.client.McpSyncClient modern;
        final JacksonMcpJsonMapper json = new JacksonMcpJsonMapper(CadreJson.newMapper());
        ProcessHandle process;
        int restarts;

        Connection(ServerSpec spec) {
            this.spec = spec;
        }

        synchronized McpSyncClient client() {
            if (client == null && modern == null) {
                start();
            }
            return client;
        }

        /** The server's tools, as 2025-11-25 records (the two versions' tools share their JSON). */
        synchronized List<McpSchema.Tool> listTools() {
            McpSyncClient legacy = client();
            if (modern != null) {
                return modern.listTools().list().tools().stream().map(t -> json.convertValue(t, McpSchema.Tool.class)).toList();
            }
            return legacy.listTools().tools();
        }

        private McpSchema.CallToolResult callOnce(McpSchema.CallToolRequest request) {
            McpSyncClient legacy = client();
            io.modelcontextprotocol.modern.client.McpSyncClient stateless;
            synchronized (this) {
                stateless = modern;
            }
            if (stateless != null) {
                return json.convertValue(stateless.tool(request.name()).arguments(request.arguments()).call(), McpSchema.CallToolResult.class);
            }
            return legacy.callTool(request);
        }

        /** A 2026-07-28 client, when the HTTP server answers {@code server/discover}; else null. */
        private io.modelcontextprotocol.modern.client.McpSyncClient discovered(java.net.URI uri) {
            io.modelcontextprotocol.modern.client.McpSyncClient stateless = io.modelcontextprotocol.modern.client.McpClient.sync(
                            io.modelcontextprotocol.modern.client.transport.HttpClientMcpTransport.builder(uri).jsonMapper(json)
                                    .requestCustomizer(io.modelcontextprotocol.modern.client.transport.McpHttpRequestCustomizer.fromSync(
                                            (request, headers, context) -> spec.headers().forEach(headers::set))).build())
                    .jsonMapper(json).callTimeout(Duration.ofMinutes(2))
                    .clientInfo(io.modelcontextprotocol.modern.McpSchema.Implementation.builder("cadre", "0.1.0").build()).build();
            try {
                stateless.discover();
                return stateless;
            } catch (RuntimeException e) {
                log.debug("MCP server {} does not speak 2026-07-28 ({}): using 2025-11-25", spec.name(), e.getMessage());
                return null;
            }
        }

        synchronized void start() {
            if (spec.command() != null) {
                Set<Long> before = ProcessHandle.current().children().map(ProcessHandle::pid).collect(Collectors.toCollection(HashSet::new));
                StdioClientTransport transport = new StdioClientTransport(ServerParameters.builder(spec.command()).args(spec.args())
                        .env(spec.env()).build(), json);
                transport.setStdErrorHandler(line -> log.debug("[{}] {}", spec.name(), line));
                client = McpClient.sync(transport).requestTimeout(Duration.ofMinutes(2)).initializationTimeout(Duration.ofSeconds(60)).build();
                try {
                    client.initialize();
                } catch (RuntimeException e) {
                    stop();
                    throw new IllegalStateException("MCP server '" + spec.name() + "' (" + spec.command() + ") did not start: " + e.getMessage(), e);
                }
                process = ProcessHandle.current().children().filter(p -> !before.contains(p.pid())).findFirst().orElse(null);
            } else {
                HttpRequest.Builder request = HttpRequest.newBuilder();
                spec.headers().forEach(request::header);
                java.net.URI uri = java.net.URI.create(spec.url());
                modern = discovered(uri.getRawPath() == null || uri.getRawPath().isEmpty() ? uri.resolve("/mcp") : uri);
                if (modern != null) {
                    return;
                }
                String base = uri.getScheme() + "://" + uri.getAuthority();
                String endpoint = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/mcp" : uri.getRawPath();
                client = McpClient.sync(HttpClientStreamableHttpTransport.builder(base).endpoint(endpoint).jsonMapper(json)
                        .requestBuilder(request).build()).requestTimeout(Duration.ofMinutes(2)).build();
                try {
                    client.initialize();
                } catch (RuntimeException e) {
                    stop();
                    throw new IllegalStateException("MCP server '" + spec.name() + "' at " + spec.url() + " did not answer: " + e.getMessage(), e);
                }
            }
        }

        synchronized void stop() {
            if (client != null) {
                try {
                    Mono.fromCallable(client::closeGracefully).block(CLOSE_WAIT);
                } catch (RuntimeException e) {
                    log.debug("MCP server {} did not close gracefully", spec.name(), e);
                }
                client = null;
            }
            modern = null; // stateless: nothing to close
            if (process != null) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process = null;
            }
        }

        McpSchema.CallToolResult call(McpSchema.CallToolRequest request) {
            try {
                return callOnce(request);
            } catch (RuntimeException first) {
                boolean dead;
                synchronized (this) {
                    dead = process != null && !process.isAlive() || client == null && modern == null;
                    if (restarts >= 1) {
                        throw new IllegalStateException("MCP server '" + spec.name() + "' failed and was already restarted once: "
                                + first.getMessage(), first);
                    }
                    restarts++;
                    log.warn("MCP server {} failed ({}); restarting it once{}", spec.name(), first.getMessage(), dead ? " (it had died)" : "");
                    stop();
                    start();
                }
                return callOnce(request);
            }
        }
    }

    /** A tool of another MCP server, named {@code name} here; read-only and idempotent as the server annotates it. */
    private static Tool remoteTool(Connection connection, McpSchema.Tool tool, String name) {
        String schema = tool.inputSchema() == null ? "{\"type\":\"object\"}" : CadreJson.mapper().valueToTree(tool.inputSchema()).toString();
        ToolSpecification specification = ToolSpecification.builder().name(name)
                .description((tool.description() == null ? tool.name() : tool.description()) + " (from MCP server '" + connection.spec.name() + "')")
                .parameters(toObjectSchema(schema))
                .build();
        McpSchema.ToolAnnotations hints = tool.annotations();
        RiskLevel risk = hints != null && Boolean.TRUE.equals(hints.readOnlyHint()) ? RiskLevel.READ_ONLY : RiskLevel.EXTERNAL;
        boolean idempotent = hints != null && Boolean.TRUE.equals(hints.idempotentHint());
        return Tool.blocking(specification, risk, idempotent, (arguments, context) -> {
            Map<String, Object> args = CadreJson.mapper().convertValue(arguments, Map.class);
            McpSchema.CallToolResult result = connection.call(new McpSchema.CallToolRequest(tool.name(), args));
            String text = result.content() == null ? "" : result.content().stream()
                    .map(c -> c instanceof McpSchema.TextContent t ? t.text() : "[" + c.type() + " content]")
                    .collect(Collectors.joining("\n"));
            JsonNode structured = result.structuredContent() == null ? null : CadreJson.mapper().valueToTree(result.structuredContent());
            return new ToolResult(text, structured, Boolean.TRUE.equals(result.isError()));
        });
    }

    /** LangChain4j's object schema for a remote tool's JSON Schema (the raw schema is kept as its single source). */
    static JsonObjectSchema toObjectSchema(String raw) {
        JsonNode node;
        try {
            node = CadreJson.mapper().readTree(raw);
        } catch (IOException e) {
            return JsonObjectSchema.builder().build();
        }
        JsonObjectSchema.Builder builder = JsonObjectSchema.builder();
        if (node.has("description")) {
            builder.description(node.get("description").asText());
        }
        JsonNode properties = node.path("properties");
        properties.fields().forEachRemaining(p -> builder.addProperty(p.getKey(), JsonRawSchema.from(p.getValue().toString())));
        List<String> required = new ArrayList<>();
        node.path("required").forEach(r -> required.add(r.asText()));
        if (!required.isEmpty()) {
            builder.required(required);
        }
        return builder.build();
    }
}
