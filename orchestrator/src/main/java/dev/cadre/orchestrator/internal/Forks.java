package dev.cadre.orchestrator.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cadre.api.CadreJson;
import dev.cadre.api.ForkedFrom;
import dev.cadre.api.ModelRef;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.RunEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A fork's history: the parent's events up to the fork point, less the steps whose output the fork replaces, copied
 * under the fork's run id. The fork's core folds them like a resumed run's journal, so only what follows runs.
 */
public final class Forks {

    private Forks() {}

    /** Checks the fork point and the change against the parent's journal before anything is written. */
    public static void validate(String runId, List<RunEvent> events, long atSeq, Map<String, String> editedOutputs,
                                Map<String, String> models, ModelRegistry registry) {
        long last = events.get(events.size() - 1).seq();
        if (atSeq < 1 || atSeq > last) {
            throw new IllegalArgumentException("Run '" + runId + "' has events 1 to " + last + ": it cannot be forked at event " + atSeq + ".");
        }
        Set<String> steps = new LinkedHashSet<>();
        Set<String> agents = new LinkedHashSet<>();
        for (RunEvent e : events) {
            if (e instanceof RunEvent.StepStarted s) {
                steps.add(s.stepPath());
                if (s.agent() != null) agents.add(s.agent());
            }
        }
        for (String step : editedOutputs.keySet()) {
            if (!steps.contains(step)) {
                throw new IllegalArgumentException("Run '" + runId + "' has no step '" + step + "' to edit; its steps: "
                        + String.join(", ", steps.stream().limit(20).toList()) + (steps.size() > 20 ? ", ..." : "") + ".");
            }
        }
        for (Map.Entry<String, String> m : models.entrySet()) {
            if (!agents.contains(m.getKey())) {
                throw new IllegalArgumentException("Run '" + runId + "' has no agent '" + m.getKey() + "' to give model '"
                        + m.getValue() + "'; its agents: " + String.join(", ", agents) + ".");
            }
            registry.chatModel(ModelRef.parse(m.getValue()));
        }
    }

    /** The events the fork keeps: up to {@code atSeq}, not the run's start or end, no streamed tokens, none of an edited step. */
    public static List<RunEvent> prefix(List<RunEvent> events, long atSeq, Set<String> editedSteps) {
        List<RunEvent> kept = new ArrayList<>();
        for (RunEvent e : events) {
            if (e.seq() > atSeq) break;
            if (e instanceof RunEvent.RunStarted || e.isTerminal() || e instanceof RunEvent.TokenStreamed) continue;
            if (editedSteps.stream().anyMatch(step -> e.stepPath().equals(step) || e.stepPath().startsWith(step + "/"))) continue;
            kept.add(e);
        }
        return kept;
    }

    /** The fork's journal before it runs: its start, then the parent's kept events as its own. */
    public static List<RunEvent> history(RunEvent.RunStarted forkStart, List<RunEvent> parent, long atSeq, Set<String> editedSteps) {
        List<RunEvent> history = new ArrayList<>();
        history.add(forkStart);
        history.addAll(copy(prefix(parent, atSeq, editedSteps), forkStart.runId(), 2));
        return history;
    }

    /** The link a fork records: its parent and point, with the parent's own changes (a fork of a fork) kept under this one's. */
    public static ForkedFrom link(String parentRunId, long atSeq, ForkedFrom parentsLink, Map<String, String> editedOutputs,
                                  Map<String, String> models) {
        Map<String, String> edited = new LinkedHashMap<>(editedOutputs);
        Map<String, String> swapped = new LinkedHashMap<>(parentsLink == null ? Map.of() : parentsLink.models());
        if (parentsLink != null) {
            parentsLink.editedOutputs().forEach(edited::putIfAbsent);
        }
        swapped.putAll(models);
        return new ForkedFrom(parentRunId, atSeq, edited, swapped);
    }

    /** {@code events} as the fork's: its run id (in checkpoints too) and sequence numbers from {@code firstSeq}. */
    public static List<RunEvent> copy(List<RunEvent> events, String runId, long firstSeq) {
        ObjectMapper mapper = CadreJson.mapper();
        List<RunEvent> copies = new ArrayList<>(events.size());
        long seq = firstSeq;
        try {
            for (RunEvent e : events) {
                ObjectNode node = (ObjectNode) mapper.readTree(mapper.writerFor(RunEvent.class).writeValueAsString(e));
                node.put("runId", runId);
                node.put("seq", seq++);
                if (node.get("checkpoint") instanceof ObjectNode checkpoint) {
                    checkpoint.put("runId", runId);
                }
                copies.add(mapper.readerFor(RunEvent.class).readValue(node));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not copy the parent's events into the fork", e);
        }
        return copies;
    }
}
