package dev.cadre.orchestrator.driver;

import dev.cadre.api.Decision;
import dev.cadre.api.ToolResult;
import dev.cadre.api.Usage;
import dev.langchain4j.model.chat.response.ChatResponse;

/** A result a driver gives back to its {@link RunCore}, keyed by the {@link DriverCommand} that asked for it. */
public sealed interface DriverInput {

    /** A model's answer; {@code cached}: it came from a model cache, and {@code cacheCounts} says so in usage. */
    record ModelAnswered(String key, ChatResponse response, boolean cached, Usage cacheCounts) implements DriverInput {
        public ModelAnswered(String key, ChatResponse response) {
            this(key, response, false, Usage.ZERO);
        }
    }

    /** The model could not answer after the driver's transport retries; the step fails with {@code reason}. */
    record ModelFailed(String key, String reason) implements DriverInput {}

    record ToolDone(String key, ToolResult result) implements DriverInput {}

    record Decided(String checkpointId, Decision decision) implements DriverInput {}

    record TimerFired(String id) implements DriverInput {}
}
