package dev.cadre.temporal.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.cadre.api.CadreJson;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ChatMessageDeserializer;
import dev.langchain4j.data.message.ChatMessageSerializer;
import dev.langchain4j.internal.JsonSchemaElementJsonUtils;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonRawSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.langchain4j.model.chat.request.json.JsonSchemaElement;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * LangChain4j's request, response and tool-specification types as JSON, for the workflow/activity boundary: messages
 * through LangChain4j's own message serializer, JSON schemas through its schema-to-map mapping (a raw schema stays its
 * text), everything else as small records. Model-specific request parameters (a provider's own subclass) are not kept:
 * the core never sets them.
 */
public final class ChatJson {

    private ChatJson() {}

    /** A mapper with Cadre's settings that also reads and writes ChatRequest, ChatResponse and ToolSpecification. */
    public static ObjectMapper mapper() {
        ObjectMapper mapper = CadreJson.newMapper();
        mapper.registerModule(module(mapper));
        return mapper;
    }

    record Tool(String name, String description, Map<String, Object> parameters, String rawParameters) {}

    record Format(String type, String name, Map<String, Object> schema, String rawSchema) {}

    record Request(JsonNode messages, String modelName, Double temperature, Double topP, Integer topK, Double frequencyPenalty,
                   Double presencePenalty, Integer maxOutputTokens, List<String> stopSequences, List<Tool> tools,
                   String toolChoice, Format responseFormat) {}

    record Response(JsonNode aiMessage, String id, String modelName, Integer inputTokens, Integer outputTokens,
                    String finishReason) {}

    static SimpleModule module(ObjectMapper mapper) {
        SimpleModule module = new SimpleModule("cadre-langchain4j");
        bind(module, ToolSpecification.class, Tool.class, ChatJson::tool, ChatJson::tool);
        bind(module, ChatRequest.class, Request.class, r -> request(r, mapper), r -> request(r));
        bind(module, ChatResponse.class, Response.class, r -> response(r, mapper), ChatJson::response);
        return module;
    }

    private static <T, D> void bind(SimpleModule module, Class<T> type, Class<D> data, Function<T, D> to, Function<D, T> from) {
        module.addSerializer(type, new JsonSerializer<T>() {
            @Override
            public void serialize(T value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
                gen.writeObject(to.apply(value));
            }
        });
        module.addDeserializer(type, new JsonDeserializer<T>() {
            @Override
            public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                return from.apply(p.readValueAs(data));
            }
        });
    }

    private static Tool tool(ToolSpecification spec) {
        JsonObjectSchema parameters = spec.parameters();
        return new Tool(spec.name(), spec.description(), parameters == null ? null : JsonSchemaElementJsonUtils.toMap(parameters), null);
    }

    private static ToolSpecification tool(Tool tool) {
        ToolSpecification.Builder builder = ToolSpecification.builder().name(tool.name()).description(tool.description());
        if (tool.parameters() != null) {
            builder.parameters((JsonObjectSchema) JsonSchemaElementJsonUtils.fromMap(tool.parameters()));
        }
        return builder.build();
    }

    private static Request request(ChatRequest r, ObjectMapper mapper) {
        JsonNode messages = read(mapper, ChatMessageSerializer.messagesToJson(r.messages()));
        List<Tool> tools = r.toolSpecifications() == null || r.toolSpecifications().isEmpty() ? null
                : r.toolSpecifications().stream().map(ChatJson::tool).toList();
        Format format = null;
        ResponseFormat f = r.responseFormat();
        if (f != null) {
            JsonSchema schema = f.jsonSchema();
            JsonSchemaElement root = schema == null ? null : schema.rootElement();
            format = new Format(f.type().name(), schema == null ? null : schema.name(),
                    root == null || root instanceof JsonRawSchema ? null : JsonSchemaElementJsonUtils.toMap(root),
                    root instanceof JsonRawSchema raw ? raw.schema() : null);
        }
        return new Request(messages, r.modelName(), r.temperature(), r.topP(), r.topK(), r.frequencyPenalty(), r.presencePenalty(),
                r.maxOutputTokens(), r.stopSequences() == null || r.stopSequences().isEmpty() ? null : r.stopSequences(), tools,
                r.toolChoice() == null ? null : r.toolChoice().name(), format);
    }

    private static ChatRequest request(Request r) {
        List<ChatMessage> messages = ChatMessageDeserializer.messagesFromJson(r.messages().toString());
        ChatRequest.Builder builder = ChatRequest.builder().messages(messages).modelName(r.modelName()).temperature(r.temperature())
                .topP(r.topP()).topK(r.topK()).frequencyPenalty(r.frequencyPenalty()).presencePenalty(r.presencePenalty())
                .maxOutputTokens(r.maxOutputTokens());
        if (r.stopSequences() != null) {
            builder.stopSequences(r.stopSequences());
        }
        if (r.tools() != null) {
            builder.toolSpecifications(r.tools().stream().map(ChatJson::tool).toList());
        }
        if (r.toolChoice() != null) {
            builder.toolChoice(ToolChoice.valueOf(r.toolChoice()));
        }
        Format f = r.responseFormat();
        if (f != null) {
            ResponseFormat.Builder format = ResponseFormat.builder().type(ResponseFormatType.valueOf(f.type()));
            JsonSchemaElement root = f.rawSchema() != null ? JsonRawSchema.from(f.rawSchema())
                    : f.schema() != null ? JsonSchemaElementJsonUtils.fromMap(f.schema()) : null;
            if (root != null || f.name() != null) {
                format.jsonSchema(JsonSchema.builder().name(f.name()).rootElement(root).build());
            }
            builder.responseFormat(format.build());
        }
        return builder.build();
    }

    private static Response response(ChatResponse r, ObjectMapper mapper) {
        TokenUsage usage = r.tokenUsage();
        return new Response(read(mapper, ChatMessageSerializer.messageToJson(r.aiMessage())), r.id(), r.modelName(),
                usage == null ? null : usage.inputTokenCount(), usage == null ? null : usage.outputTokenCount(),
                r.finishReason() == null ? null : r.finishReason().name());
    }

    private static ChatResponse response(Response r) {
        ChatResponse.Builder builder = ChatResponse.builder().aiMessage((AiMessage) ChatMessageDeserializer.messageFromJson(r.aiMessage().toString()))
                .id(r.id()).modelName(r.modelName());
        if (r.inputTokens() != null || r.outputTokens() != null) {
            builder.tokenUsage(new TokenUsage(r.inputTokens(), r.outputTokens()));
        }
        if (r.finishReason() != null) {
            builder.finishReason(FinishReason.valueOf(r.finishReason()));
        }
        return builder.build();
    }

    private static JsonNode read(ObjectMapper mapper, String json) {
        try {
            return mapper.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException("LangChain4j wrote JSON that does not parse: " + e.getMessage(), e);
        }
    }
}
