package dev.cadre.orchestrator.internal.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.api.CadreJson;
import dev.cadre.orchestrator.internal.JsonSchemas;
import java.util.List;

/** The turn's answer check: an answer must not be empty, and must match the output schema when there is one. */
final class AnswerCheck {

    /** Accepted with the output, or refused with the correction the model gets and the failure if no re-ask is left. */
    record Verdict(String output, String correction, String failure) {
        boolean accepted() {
            return correction == null;
        }
    }

    private final Core core;

    AnswerCheck(Core core) {
        this.core = core;
    }

    Verdict check(TurnState state, String text) {
        String agent = state.agentId();
        if (text == null || text.isBlank()) {
            return new Verdict(null, "Your reply was empty. Answer the task.",
                    "Agent '" + agent + "' gave an empty answer " + (state.outputRetries + 1) + " times.");
        }
        if (state.schema == null) {
            return new Verdict(text, null, null);
        }
        String json = Answers.unfence(text);
        List<String> problems;
        try {
            JsonNode value = CadreJson.mapper().readTree(json);
            problems = value == null ? List.of("$: the answer is empty") : core.setup.schemas().validate(state.schema, value);
        } catch (JsonProcessingException e) {
            problems = List.of("the answer is not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (problems.isEmpty()) {
            return new Verdict(json, null, null);
        }
        String summary = JsonSchemas.summary(problems);
        return new Verdict(null, "Your answer does not match the required JSON Schema: " + summary
                + ". Reply again with only the corrected JSON.",
                "Agent '" + agent + "' gave output that does not match the task's JSON Schema after "
                        + (state.outputRetries + 1) + " attempts: " + summary + ".");
    }
}
