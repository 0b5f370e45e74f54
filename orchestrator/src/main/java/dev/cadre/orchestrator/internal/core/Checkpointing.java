package dev.cadre.orchestrator.internal.core;

import dev.cadre.orchestrator.pattern.Promise;
import dev.cadre.orchestrator.pattern.Failure;
import dev.cadre.api.Checkpoint;
import dev.cadre.api.Decision;
import dev.cadre.api.RiskLevel;
import dev.cadre.api.RunEvent;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The run's checkpoints, as the core sees them: a request is journaled and handed to the driver (which asks the gate
 * and lets the run handle resolve it), with a timer when the crew sets a timeout; the first decision the core accepts
 * wins. On resume a recorded decision is used and a recorded request is taken as made (its timeout still counts from
 * when it was first requested).
 */
final class Checkpointing {

    private record Pending(Checkpoint checkpoint, Promise<Decision> decision) {}

    private final Core core;
    private final Map<String, Pending> pending = new LinkedHashMap<>();
    private final Map<String, Integer> used = new HashMap<>();

    Checkpointing(Core core) {
        this.core = core;
    }

    Promise<Decision> request(String id, String path, Checkpoint.Kind kind, String question, String proposed, String agent,
                              RiskLevel risk) {
        var facts = core.setup.facts();
        Optional<RunEvent.CheckpointRequested> earlier = facts.checkpointRequested(id);
        var policy = core.setup.crew().policy();
        Checkpoint checkpoint = earlier.map(RunEvent.CheckpointRequested::checkpoint).orElseGet(() ->
                core.setup.redactor().redact(new Checkpoint(id, core.setup.runId(), path, kind, question, proposed, core.now(),
                        policy.checkpointTimeout(), policy.onCheckpointTimeout(), agent, risk)));
        Optional<RunEvent.CheckpointResolved> decided = facts.checkpointResolved(id);
        if (decided.isPresent()) {
            core.emit((run, seq, at) -> new RunEvent.CheckpointRequested(run, path, seq, at, checkpoint));
            return core.trampoline.done(decided.get().decision());
        }
        Promise<Decision> decision = core.trampoline.promise();
        pending.put(id, new Pending(checkpoint, decision));
        // handed to the driver before the event is published, so whoever sees the event can resolve it at once
        core.command(new Command.AskHuman(checkpoint));
        core.emit((run, seq, at) -> new RunEvent.CheckpointRequested(run, path, seq, at, checkpoint));
        if (checkpoint.timeout() != null) {
            Instant at = checkpoint.requestedAt().plus(checkpoint.timeout());
            core.command(new Command.StartTimer(id, at));
        }
        return decision;
    }

    /**
     * {@code id} the first time the run asks for it, then {@code id-2}, {@code id-3}, ...: an id made from a model's
     * call id repeats when the model reuses call ids across turns, and each such checkpoint must keep its own decision
     * on resume. The same on replay, since the run asks in the same order.
     */
    String unique(String id) {
        int n = used.merge(id, 1, Integer::sum);
        return n == 1 ? id : id + "-" + n;
    }

    /** A decision from the gate or the run handle; ignored when the checkpoint is not (or no longer) pending. */
    void decide(String id, Decision decision) {
        Pending p = pending.remove(id);
        if (p == null) {
            return;
        }
        String path = p.checkpoint().stepPath();
        core.emit((run, seq, at) -> new RunEvent.CheckpointResolved(run, path, seq, at, id, decision));
        core.command(new Command.CheckpointClosed(id));
        p.decision().complete(decision);
    }

    void timedOut(String id) {
        Pending p = pending.get(id);
        if (p != null) {
            Decision d = p.checkpoint().onTimeout();
            decide(id, new Decision(d.kind(), d.feedback(), d.editedOutput(), "timeout"));
        }
    }

    static Failure aborted(String checkpointId, Decision decision) {
        return Failure.aborted("Aborted at checkpoint '" + checkpointId + "'"
                + (decision.decidedBy() == null ? "" : " by " + decision.decidedBy())
                + (decision.feedback() == null ? "." : ": " + decision.feedback()));
    }
}
