package dev.cadre.mcp.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.orchestrator.journal.JournalKey;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import io.modelcontextprotocol.modern.McpSchema;
import io.modelcontextprotocol.modern.server.HmacRequestStateCodec;
import io.modelcontextprotocol.modern.server.McpAsyncResponse;
import io.modelcontextprotocol.modern.server.McpFeature;
import io.modelcontextprotocol.modern.server.McpRequestContext;
import io.modelcontextprotocol.modern.server.McpServer;
import io.modelcontextprotocol.modern.server.feature.McpAsyncPrompt;
import io.modelcontextprotocol.modern.server.feature.McpAsyncPromptRepository;
import io.modelcontextprotocol.modern.server.feature.McpAsyncResource;
import io.modelcontextprotocol.modern.server.feature.McpAsyncResourceRepository;
import io.modelcontextprotocol.modern.server.feature.McpAsyncTool;
import io.modelcontextprotocol.modern.server.feature.McpAsyncToolRepository;
import io.modelcontextprotocol.modern.server.feature.PromptsFeature;
import io.modelcontextprotocol.modern.server.feature.PromptsPage;
import io.modelcontextprotocol.modern.server.feature.ResourceTemplatesPage;
import io.modelcontextprotocol.modern.server.feature.ResourcesFeature;
import io.modelcontextprotocol.modern.server.feature.ResourcesPage;
import io.modelcontextprotocol.modern.server.feature.ToolsFeature;
import io.modelcontextprotocol.modern.server.feature.ToolsPage;
import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.server.McpServerFeatures;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.regex.Pattern;
import reactor.core.publisher.Mono;

/**
 * The same server on MCP 2026-07-28 (the SDK's stateless {@code io.modelcontextprotocol.modern} server): the tools,
 * prompts and resources the 2025-11-25 server offers, each answered by the same code and converted (the two protocols'
 * records share their JSON), with crews as {@link ModernCrewCalls}. Lists are one page, except resources (the run
 * journals, {@link RunResources#PAGE} a page); caches are told {@link #LIST_TTL_MS} ms. Extensions (the tasks
 * extension) are further features.
 */
public final class ModernServer {

    /** How long a client may cache a list (the crews and personas change only with a restart; runs come and go). */
    public static final long LIST_TTL_MS = 5_000;

    /** How long a checkpoint's {@code requestState} stays valid: a human may answer days later. */
    public static final Duration REQUEST_STATE_TTL = Duration.ofDays(30);

    /** What the 2025-11-25 server offers, for this one to serve too. */
    public record Offer(List<McpServerFeatures.AsyncToolSpecification> tools, Map<String, McpAsyncTool> crewTools,
                        List<McpServerFeatures.AsyncPromptSpecification> prompts, RunResources runs,
                        List<McpServerFeatures.AsyncResourceSpecification> resources,
                        List<McpServerFeatures.AsyncResourceTemplateSpecification> templates) {}

    private ModernServer() {}

    /** The 2026-07-28 server for {@code offer}; its request states are sealed with a key derived from {@code journalKey}. */
    public static McpServer build(Offer offer, List<? extends McpFeature> extensions, McpJsonMapper json, JsonSchemaValidator validator,
                                  JournalKey journalKey, String name, String version, String instructions) {
        byte[] stateKey = journalKey.newMac().doFinal("cadre/mcp/request-state".getBytes(StandardCharsets.UTF_8));
        return McpServer.builder().serverInfo(McpSchema.Implementation.builder(name, version).build()).instructions(instructions)
                .jsonMapper(json)
                .requestStateCodec(HmacRequestStateCodec.builder().key(stateKey).ttl(REQUEST_STATE_TTL).jsonMapper(json).build())
                .feature(ToolsFeature.ofAsync(tools(offer, json), json, validator, LIST_TTL_MS, McpSchema.CacheScope.PUBLIC))
                .feature(PromptsFeature.ofAsync(prompts(offer, json), json, LIST_TTL_MS, McpSchema.CacheScope.PUBLIC))
                .feature(ResourcesFeature.ofAsync(resources(offer, json), json, 0, McpSchema.CacheScope.PRIVATE))
                .features(extensions)
                .build();
    }

    /**
     * A 2025-11-25 handler as a 2026-07-28 one: the request and the result converted through the JSON they share. The
     * handler gets no exchange (there is no session to ask anything of).
     */
    private static <Q, M, O> BiFunction<McpRequestContext, M, Mono<McpAsyncResponse<O>>> converted(
            BiFunction<McpAsyncServerExchange, Q, ? extends Mono<?>> legacy, Class<Q> request, Class<? extends O> result, McpJsonMapper json) {
        return (ctx, modern) -> legacy.apply(null, json.convertValue(modern, request))
                .map(r -> McpAsyncResponse.<O>result(json.convertValue(r, result)));
    }

    private static McpAsyncToolRepository tools(Offer offer, McpJsonMapper json) {
        Map<String, McpAsyncTool> byName = new LinkedHashMap<>();
        for (McpServerFeatures.AsyncToolSpecification spec : offer.tools()) {
            McpSchema.Tool definition = json.convertValue(spec.tool(), McpSchema.Tool.class);
            BiFunction<McpRequestContext, McpSchema.CallToolRequest, Mono<McpAsyncResponse<McpSchema.CallToolOutcome>>> call =
                    converted(spec.callHandler(), io.modelcontextprotocol.spec.McpSchema.CallToolRequest.class, McpSchema.CallToolResult.class, json);
            byName.put(definition.name(), McpAsyncTool.of(definition, call::apply));
        }
        byName.putAll(offer.crewTools());
        ToolsPage page = new ToolsPage(byName.values().stream().map(McpAsyncTool::definition).toList(), null, LIST_TTL_MS,
                McpSchema.CacheScope.PUBLIC);
        return new McpAsyncToolRepository() {
            @Override public Mono<ToolsPage> list(McpRequestContext ctx, String cursor) { return Mono.just(page); }
            @Override public Mono<McpAsyncTool> find(McpRequestContext ctx, String name) { return Mono.justOrEmpty(byName.get(name)); }
        };
    }

    private static McpAsyncPromptRepository prompts(Offer offer, McpJsonMapper json) {
        Map<String, McpAsyncPrompt> byName = new LinkedHashMap<>();
        for (McpServerFeatures.AsyncPromptSpecification spec : offer.prompts()) {
            McpSchema.Prompt definition = json.convertValue(spec.prompt(), McpSchema.Prompt.class);
            BiFunction<McpRequestContext, McpSchema.GetPromptRequest, Mono<McpAsyncResponse<McpSchema.GetPromptOutcome>>> get =
                    converted(spec.promptHandler(), io.modelcontextprotocol.spec.McpSchema.GetPromptRequest.class, McpSchema.GetPromptResult.class, json);
            byName.put(definition.name(), McpAsyncPrompt.of(definition, get::apply));
        }
        PromptsPage page = new PromptsPage(byName.values().stream().map(McpAsyncPrompt::definition).toList(), null, LIST_TTL_MS,
                McpSchema.CacheScope.PUBLIC);
        return new McpAsyncPromptRepository() {
            @Override public Mono<PromptsPage> list(McpRequestContext ctx, String cursor) { return Mono.just(page); }
            @Override public Mono<McpAsyncPrompt> find(McpRequestContext ctx, String name) { return Mono.justOrEmpty(byName.get(name)); }
        };
    }

    private static McpAsyncResourceRepository resources(Offer offer, McpJsonMapper json) {
        Map<String, McpAsyncResource> fixed = new LinkedHashMap<>();
        offer.resources().forEach(r -> fixed.put(r.resource().uri(), readable(r.readHandler(), json)));
        Map<Pattern, McpAsyncResource> templated = new LinkedHashMap<>();
        List<McpSchema.ResourceTemplate> templates = new ArrayList<>();
        for (McpServerFeatures.AsyncResourceTemplateSpecification t : offer.templates()) {
            templates.add(json.convertValue(t.resourceTemplate(), McpSchema.ResourceTemplate.class));
            String[] parts = t.resourceTemplate().uriTemplate().split("\\{[^}]*}", -1);
            templated.put(Pattern.compile(java.util.Arrays.stream(parts).map(Pattern::quote)
                    .collect(java.util.stream.Collectors.joining("[^/]+"))), readable(t.readHandler(), json));
        }
        ResourceTemplatesPage templatesPage = new ResourceTemplatesPage(templates, null, LIST_TTL_MS, McpSchema.CacheScope.PUBLIC);
        return new McpAsyncResourceRepository() {
            @Override
            public Mono<ResourcesPage> list(McpRequestContext ctx, String cursor) {
                return Mono.fromCallable(() -> {
                    JsonNode page = offer.runs().page(cursor);
                    List<McpSchema.Resource> resources = new ArrayList<>();
                    page.path("resources").forEach(r -> resources.add(json.convertValue(r, McpSchema.Resource.class)));
                    String next = page.path("nextCursor").isTextual() ? page.path("nextCursor").textValue() : null;
                    return new ResourcesPage(resources, next, 0L, McpSchema.CacheScope.PRIVATE);
                }).onErrorMap(IllegalArgumentException.class, e -> io.modelcontextprotocol.modern.McpException.invalidParams(e.getMessage()));
            }

            @Override
            public Mono<ResourceTemplatesPage> listTemplates(McpRequestContext ctx, String cursor) {
                return Mono.just(templatesPage);
            }

            @Override
            public Mono<McpAsyncResource> find(McpRequestContext ctx, String uri) {
                McpAsyncResource resource = fixed.get(uri);
                if (resource == null) {
                    resource = templated.entrySet().stream().filter(e -> e.getKey().matcher(uri).matches()).map(Map.Entry::getValue)
                            .findFirst().orElse(null);
                }
                return Mono.justOrEmpty(resource);
            }
        };
    }

    private static McpAsyncResource readable(BiFunction<McpAsyncServerExchange, io.modelcontextprotocol.spec.McpSchema.ReadResourceRequest,
            Mono<io.modelcontextprotocol.spec.McpSchema.ReadResourceResult>> read, McpJsonMapper json) {
        BiFunction<McpRequestContext, McpSchema.ReadResourceRequest, Mono<McpAsyncResponse<McpSchema.ReadResourceOutcome>>> handler =
                converted(read, io.modelcontextprotocol.spec.McpSchema.ReadResourceRequest.class, McpSchema.ReadResourceResult.class, json);
        return McpAsyncResource.of(handler::apply);
    }
}
