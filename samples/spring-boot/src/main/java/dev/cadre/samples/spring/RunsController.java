package dev.cadre.samples.spring;

import dev.cadre.api.Checkpoint;
import dev.cadre.api.Decision;
import dev.cadre.api.RunHandle;
import dev.cadre.api.Task;
import dev.cadre.orchestrator.Orchestrator;
import dev.cadre.spring.CadreCrews;
import dev.cadre.spring.CadreRuns;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Start a crew, watch the run, answer its checkpoints: the three endpoints a web application needs. */
@RestController
class RunsController {

    /** What starts a run: the task in a sentence. */
    record StartRun(String task) {}

    /**
     * An answer to a checkpoint (its id in the body: ids hold {@code /} and {@code #}): {@code approve}, {@code reject}
     * (with feedback), {@code edit} (with output) or {@code abort}.
     */
    record Answer(String checkpoint, String decision, String feedback, String output, String by) {}

    record CheckpointView(String id, String kind, String question, String proposedOutput) {}

    record RunView(String runId, String status, String output, String reason, List<CheckpointView> checkpoints) {}

    private static final int MAX_TASK_CHARS = 4_000;

    private final Orchestrator orchestrator;
    private final CadreCrews crews;
    private final CadreRuns runs;

    RunsController(Orchestrator orchestrator, CadreCrews crews, CadreRuns runs) {
        this.orchestrator = orchestrator;
        this.crews = crews;
        this.runs = runs;
    }

    @PostMapping("/crews/{crew}/runs")
    @ResponseStatus(HttpStatus.ACCEPTED)
    RunView start(@PathVariable String crew, @RequestBody StartRun body) {
        if (body.task() == null || body.task().isBlank() || body.task().length() > MAX_TASK_CHARS) {
            throw new IllegalArgumentException("The task must be 1 to " + MAX_TASK_CHARS + " characters.");
        }
        return view(orchestrator.run(crews.get(crew), Task.of("task", body.task())));
    }

    @GetMapping("/runs/{runId}")
    RunView run(@PathVariable String runId) {
        return view(find(runId));
    }

    @PostMapping("/runs/{runId}/answers")
    RunView answer(@PathVariable String runId, @RequestBody Answer answer) {
        RunHandle run = find(runId);
        String by = answer.by() == null ? "web" : answer.by();
        Decision decision = switch (answer.decision() == null ? "" : answer.decision()) {
            case "approve" -> Decision.approve(by);
            case "reject" -> Decision.reject(answer.feedback(), by);
            case "edit" -> Decision.edit(answer.output(), by);
            case "abort" -> Decision.abort(answer.feedback(), by);
            default -> throw new IllegalArgumentException("decision must be approve, reject, edit or abort, not '" + answer.decision() + "'.");
        };
        run.resolve(answer.checkpoint(), decision);
        return view(run);
    }

    private RunHandle find(String runId) {
        return runs.find(runId).orElseThrow(() -> new NoSuchRun("There is no recent run '" + runId + "'."));
    }

    private static RunView view(RunHandle run) {
        var result = run.status().isFinal() ? run.result().block() : null;
        List<CheckpointView> checkpoints = run.pendingCheckpoints().stream().map(RunsController::view).toList();
        return new RunView(run.runId(), run.status().name(), result == null ? null : result.output(),
                result == null ? null : result.reason(), checkpoints);
    }

    private static CheckpointView view(Checkpoint c) {
        return new CheckpointView(c.id(), c.kind().name(), c.question(), c.proposedOutput());
    }

    static final class NoSuchRun extends RuntimeException {
        NoSuchRun(String message) {
            super(message);
        }
    }

    @ExceptionHandler(NoSuchRun.class)
    @ResponseStatus(HttpStatus.NOT_FOUND)
    Map<String, String> notFound(NoSuchRun e) {
        return Map.of("error", e.getMessage());
    }

    @ExceptionHandler(IllegalArgumentException.class)
    @ResponseStatus(HttpStatus.BAD_REQUEST)
    Map<String, String> badRequest(IllegalArgumentException e) {
        return Map.of("error", e.getMessage());
    }
}
