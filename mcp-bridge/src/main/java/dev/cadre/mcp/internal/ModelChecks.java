package dev.cadre.mcp.internal;

import dev.cadre.api.Agent;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.UnknownModelException;
import dev.cadre.api.crew.Crew;

/**
 * Whether every agent of a crew has its model before the run starts. A model the server cannot make (no key set, an
 * unknown provider) is refused at the call with the setting to configure: a key is never asked of the user through an
 * elicitation form, which MCP 2025-11-25 forbids for secrets.
 */
public final class ModelChecks {

    private ModelChecks() {}

    /** What keeps one of the crew's agents from its model, as one sentence, or null when each has one. */
    public static String missingModel(Crew crew, ModelRegistry models) {
        for (Agent agent : crew.agents()) {
            try {
                models.chatModel(models.modelFor(agent.persona()));
            } catch (UnknownModelException e) {
                return "The crew '" + crew.name() + "' cannot start: agent '" + agent.id() + "': " + e.getMessage()
                        + " Set it where cadre mcp starts (Cadre never asks for a key through the client).";
            }
        }
        return null;
    }
}
