package dev.cadre.orchestrator.internal;

import dev.cadre.api.PendingCheckpoint;
import dev.cadre.api.RunHandle;
import dev.cadre.api.RunListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says in a log line (INFO) when a run stops on a checkpoint that no gate decided, so that a waiting run never hangs
 * silently; its status is then {@code WAITING_FOR_HUMAN}. Every orchestrator registers one.
 */
public final class WaitingLog implements RunListener {

    private static final Logger log = LoggerFactory.getLogger("dev.cadre.orchestrator.Waiting");

    @Override
    public void runStarted(RunHandle run) {
        run.checkpoints().subscribe(WaitingLog::say, error -> log.debug("Run {}: not watching checkpoints", run.runId(), error));
    }

    private static void say(PendingCheckpoint c) {
        log.info("Run {} is waiting on checkpoint '{}' ({}) at {}: {} Answer it with RunHandle.checkpoints() or "
                        + "RunHandle.resolve(\"{}\", decision), or set a HumanGate.",
                c.run().runId(), c.id(), c.kind(), c.checkpoint().stepPath(), c.question(), c.id());
    }
}
