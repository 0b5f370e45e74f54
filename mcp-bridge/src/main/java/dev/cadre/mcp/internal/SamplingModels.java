package dev.cadre.mcp.internal;

import dev.cadre.api.ModelRef;
import dev.cadre.api.ModelRegistry;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Models that are the MCP client's own: every call becomes {@code sampling/createMessage}, so a crew runs on the
 * IDE's model with no API key. The persona's model name is sent as a hint. Sampling has no native tool calling,
 * so agents reached this way are not offered tools.
 */
public final class SamplingModels implements ModelRegistry {

    private final McpAsyncServerExchange exchange;
    private final Duration timeout;

    public SamplingModels(McpAsyncServerExchange exchange, Duration timeout) {
        this.exchange = exchange;
        this.timeout = timeout;
    }

    @Override
    public ChatModel chatModel(ModelRef ref) {
        return new Sampling(exchange, ref, timeout);
    }

    @Override
    public Optional<ModelRef> defaultModel() {
        return Optional.of(ModelRef.parse("mcp:client"));
    }

    private record Sampling(McpAsyncServerExchange exchange, ModelRef ref, Duration timeout) implements ChatModel {
        @Override
        public ChatResponse doChat(ChatRequest request) {
            String system = null;
            List<McpSchema.SamplingMessage> messages = new ArrayList<>();
            for (ChatMessage m : request.messages()) {
                if (m instanceof SystemMessage s) {
                    system = system == null ? s.text() : system + "\n\n" + s.text();
                } else if (m instanceof UserMessage u) {
                    messages.add(text(McpSchema.Role.USER, u.hasSingleText() ? u.singleText() : u.toString()));
                } else if (m instanceof AiMessage a) {
                    StringBuilder t = new StringBuilder(a.text() == null ? "" : a.text());
                    if (a.hasToolExecutionRequests()) {
                        for (ToolExecutionRequest call : a.toolExecutionRequests()) {
                            t.append("\n(called ").append(call.name()).append(' ').append(call.arguments()).append(')');
                        }
                    }
                    messages.add(text(McpSchema.Role.ASSISTANT, t.toString().strip()));
                } else if (m instanceof ToolExecutionResultMessage r) {
                    messages.add(text(McpSchema.Role.USER, "Result of " + r.toolName() + ": " + r.text()));
                }
            }
            McpSchema.CreateMessageRequest.Builder builder = McpSchema.CreateMessageRequest.builder().messages(messages)
                    .maxTokens(4096)
                    .modelPreferences(McpSchema.ModelPreferences.builder().addHint(ref.name()).build());
            if (system != null) {
                builder.systemPrompt(system);
            }
            if (request.temperature() != null) {
                builder.temperature(request.temperature());
            }
            McpSchema.CreateMessageResult result = exchange.createMessage(builder.build()).block(timeout);
            String text = result == null || !(result.content() instanceof McpSchema.TextContent tc) ? "" : tc.text();
            return ChatResponse.builder().aiMessage(AiMessage.from(text)).modelName(result == null ? ref.name() : result.model())
                    .finishReason(FinishReason.STOP).build();
        }

        private static McpSchema.SamplingMessage text(McpSchema.Role role, String text) {
            return new McpSchema.SamplingMessage(role, new McpSchema.TextContent(text));
        }
    }
}
