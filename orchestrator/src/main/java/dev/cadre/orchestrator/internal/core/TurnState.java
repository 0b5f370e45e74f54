package dev.cadre.orchestrator.internal.core;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.api.ModelRef;
import dev.cadre.api.Tool;
import dev.cadre.api.Usage;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.ChatMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What one agent's turn has so far: its messages and counters. Touched by one stage at a time. */
final class TurnState {
    final TurnSpec spec;
    final ModelRef ref;
    final JsonNode schema;
    /** The workspace's and the orchestrator's tools the agent may call, by name. */
    final Map<String, Tool> tools;
    /** The tools the core answers itself, by name. */
    final Map<String, TurnSpec.CoreTool> coreTools;
    /** Every tool offered, in the order the model sees them. */
    final List<ToolSpecification> specifications;
    final List<String> toolNames;
    final List<ChatMessage> messages;
    final Instant started;
    /** How many messages the initial prompt has (system, examples, task): compaction never touches them. */
    final int initialMessages;
    /** The messages of the last request, as sent (after compaction and interceptors); {@code null} before the first. */
    List<ChatMessage> lastSent;
    /** The tool results' texts as the model would see them from the journal's {@code tool_returned}, by call id. */
    final Map<String, String> journaledToolTexts = new HashMap<>();
    int turn;
    int toolRounds;
    int outputRetries;
    boolean toolsClosed;
    int anonymousCalls;
    /** The turn has ended (its step is journaled as finished or failed): late tool results are dropped. */
    boolean over;
    Usage usage = Usage.ZERO;

    TurnState(TurnSpec spec, ModelRef ref, JsonNode schema, Map<String, Tool> tools, Map<String, TurnSpec.CoreTool> coreTools,
              List<ToolSpecification> specifications, List<String> toolNames, List<ChatMessage> messages, Instant started) {
        this.spec = spec;
        this.ref = ref;
        this.schema = schema;
        this.tools = tools;
        this.coreTools = coreTools;
        this.specifications = specifications;
        this.toolNames = toolNames;
        this.messages = new ArrayList<>(messages);
        this.initialMessages = messages.size();
        this.started = started;
    }

    String agentId() {
        return spec.agent().id();
    }

    String path() {
        return spec.stepPath();
    }
}
