package dev.cadre.spring;

import dev.cadre.api.Checkpoint;
import dev.cadre.api.RunHandle;
import dev.cadre.api.RunStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * The actuator's {@code cadre} health component: the checkpoints recent runs wait on (with their questions), and
 * the recent runs that failed. It is {@code DOWN} when the last {@value #FAILURES_DOWN} runs that ended all failed
 * (a broken model key or endpoint, typically), {@code UP} otherwise; waiting runs are healthy.
 */
public final class CadreHealthIndicator implements HealthIndicator {

    static final int FAILURES_DOWN = 3;
    private static final int LISTED = 10;

    private final CadreRuns runs;

    public CadreHealthIndicator(CadreRuns runs) {
        this.runs = runs;
    }

    @Override
    public Health health() {
        List<RunHandle> recent = runs.recent();
        List<Map<String, String>> waiting = recent.stream()
                .flatMap(run -> run.pendingCheckpoints().stream()).limit(LISTED).map(CadreHealthIndicator::describe).toList();
        List<String> failed = recent.stream().filter(run -> run.status() == RunStatus.FAILED).map(RunHandle::runId).toList();
        List<RunHandle> ended = recent.stream().filter(run -> run.status().isFinal()).toList();
        boolean failing = ended.size() >= FAILURES_DOWN
                && ended.subList(ended.size() - FAILURES_DOWN, ended.size()).stream().allMatch(run -> run.status() == RunStatus.FAILED);
        return (failing ? Health.down() : Health.up())
                .withDetail("runs", recent.size())
                .withDetail("pendingCheckpoints", runs.pendingCheckpoints().size())
                .withDetail("waiting", waiting)
                .withDetail("failedRuns", failed.size())
                .withDetail("failed", failed.subList(Math.max(0, failed.size() - LISTED), failed.size()))
                .build();
    }

    private static Map<String, String> describe(Checkpoint c) {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("run", c.runId());
        d.put("checkpoint", c.id());
        d.put("kind", c.kind().name());
        d.put("question", c.question());
        return d;
    }
}
