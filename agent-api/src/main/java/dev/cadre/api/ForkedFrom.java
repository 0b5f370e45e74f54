package dev.cadre.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Where a forked run came from: the parent run and the event it was forked at, and what the fork changed: step
 * outputs replaced (by step path) and models swapped (by agent id, as model references). Kept in the fork's
 * {@code run_started}, so resuming the fork applies the same change.
 */
public record ForkedFrom(String parentRunId, long atSeq, Map<String, String> editedOutputs, Map<String, String> models) {

    public ForkedFrom {
        Objects.requireNonNull(parentRunId, "parentRunId");
        editedOutputs = editedOutputs == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(editedOutputs));
        models = models == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(models));
    }

    /** One line for people: "forked from RUN at event N (output of STEP edited; AGENT on MODEL)". */
    public String describe() {
        StringBuilder s = new StringBuilder("forked from ").append(parentRunId).append(" at event ").append(atSeq);
        java.util.List<String> changes = new java.util.ArrayList<>();
        editedOutputs.keySet().forEach(step -> changes.add("output of " + step + " edited"));
        models.forEach((agent, model) -> changes.add(agent + " on " + model));
        if (!changes.isEmpty()) {
            s.append(" (").append(String.join("; ", changes)).append(')');
        }
        return s.toString();
    }
}
