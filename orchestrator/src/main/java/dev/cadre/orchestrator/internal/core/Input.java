package dev.cadre.orchestrator.internal.core;

import dev.cadre.api.Decision;
import dev.cadre.api.ToolResult;
import dev.cadre.api.Usage;
import dev.langchain4j.model.chat.response.ChatResponse;

/** A result the driver feeds back to the core, keyed by the command that asked for it. */
public sealed interface Input {

    /**
     * A model's answer. {@code cached}: it came from the crew's model cache ({@code cacheCounts} says so in usage);
     * otherwise its usage is the response's token counts priced by the price table.
     */
    record ModelAnswered(String key, ChatResponse response, boolean cached, Usage cacheCounts) implements Input {}

    /** The model could not answer (after the driver's transport retries); the step fails with {@code reason}. */
    record ModelFailed(String key, String reason) implements Input {}

    record ToolDone(String key, ToolResult result) implements Input {}

    record Decided(String checkpointId, Decision decision) implements Input {}

    record TimerFired(String id) implements Input {}
}
