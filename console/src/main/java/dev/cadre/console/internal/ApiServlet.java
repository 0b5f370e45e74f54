package dev.cadre.console.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.api.Checkpoint;
import dev.cadre.api.Decision;
import dev.cadre.api.RemoteRuns;
import dev.cadre.api.RunEvent;
import dev.cadre.api.RunHandle;
import dev.cadre.api.Task;
import dev.cadre.personas.CrewFile;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import reactor.core.publisher.Flux;

/**
 * The console's JSON API, under {@code /api}:
 * <pre>
 * GET  /runs                              every run, newest first
 * GET  /runs/{id}                         one run: summary and pending checkpoints
 * GET  /runs/{id}/events                  its events (Server-Sent Events; replays from the start, honours Last-Event-ID)
 * GET  /updates                           run summaries as they change (Server-Sent Events)
 * GET  /crews                             the crews the start form offers
 * POST /runs                              {crew, task, inputs}: start a crew
 * POST /runs/{id}/checkpoints             {checkpointId, decision: approve|reject|edit|abort, feedback, editedOutput}
 * POST /runs/{id}/cancel                  cancel a run of this process, or one open elsewhere ({@link RemoteRuns})
 * </pre>
 * A run this process does not run but whose journal shows it open is answered and cancelled through the
 * {@link RemoteRuns} the console was given (for example a workflow on a Temporal cluster), when it finds it.
 */
public final class ApiServlet extends HttpServlet {

    /** Starts a crew on a task; the run must reach the console's run listener. */
    @FunctionalInterface
    public interface Launcher {
        RunHandle start(CrewFile crew, Task task);
    }

    private static final Pattern RUN = Pattern.compile("/runs/(" + RunBoard.RUN_ID.pattern() + ")(/events|/cancel|/checkpoints)?");

    private final RunBoard board;
    private final Map<String, CrewFile> crews;
    private final Launcher launcher;
    private final Sse sse;
    private final RemoteRuns remote;

    public ApiServlet(RunBoard board, Map<String, CrewFile> crews, Launcher launcher, Sse sse) {
        this(board, crews, launcher, sse, RemoteRuns.none());
    }

    public ApiServlet(RunBoard board, Map<String, CrewFile> crews, Launcher launcher, Sse sse, RemoteRuns remote) {
        this.board = board;
        this.crews = Map.copyOf(crews);
        this.launcher = launcher;
        this.sse = sse;
        this.remote = remote;
    }

    /**
     * The run {@code id} as this process can answer it: live here, or open elsewhere (its journal shows it has not
     * ended and {@link RemoteRuns} finds it). An unreachable remote is an {@link IllegalStateException}.
     */
    private Optional<RunHandle> answerable(String id) {
        Optional<RunHandle> live = board.live(id);
        if (live.isPresent() || !board.openInJournal(id)) {
            return live;
        }
        return remote.find(id);
    }

    /** As {@link #answerable}, an unreachable remote taken as "not answerable here" (the page shows the journal). */
    private Optional<RunHandle> answerableOrJournal(String id) {
        try {
            return answerable(id);
        } catch (IllegalStateException unreachable) {
            return Optional.empty();
        }
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = String.valueOf(request.getPathInfo());
        if (path.equals("/runs")) {
            Json.write(response, 200, board.list());
            return;
        }
        if (path.equals("/updates")) {
            sse.stream(request, response, board.updates().map(s -> Sse.frame(null, Json.text(s))));
            return;
        }
        if (path.equals("/crews")) {
            List<Map<String, Object>> list = new ArrayList<>();
            crews.keySet().stream().sorted().forEach(name -> list.add(Map.of("name", name, "inputs", crews.get(name).inputs())));
            Json.write(response, 200, Map.of("canStart", launcher != null, "crews", list));
            return;
        }
        Matcher m = RUN.matcher(path);
        if (!m.matches() || (m.group(2) != null && !m.group(2).equals("/events"))) {
            Json.error(response, 404, "There is no API at '" + path + "'.");
            return;
        }
        String id = m.group(1);
        Optional<RunHandle> live = answerableOrJournal(id);
        if (m.group(2) == null) {
            Optional<Map<String, Object>> run = run(id, live);
            if (run.isEmpty()) {
                Json.error(response, 404, "There is no run '" + id + "'.");
            } else {
                Json.write(response, 200, run.get());
            }
            return;
        }
        Flux<RunEvent> events;
        if (live.isPresent()) {
            events = live.get().events();
        } else {
            Optional<List<RunEvent>> journal = board.journal(id);
            if (journal.isEmpty()) {
                Json.error(response, 404, "There is no run '" + id + "'.");
                return;
            }
            events = Flux.fromIterable(journal.get());
        }
        long after = lastEventId(request);
        sse.stream(request, response, events.filter(e -> e.seq() > after).map(e -> Sse.frame(Long.toString(e.seq()), Json.text(e))));
    }

    private Optional<Map<String, Object>> run(String id, Optional<RunHandle> live) {
        return board.summary(id).map(summary -> {
            Map<String, Object> body = new LinkedHashMap<>();
            List<Checkpoint> pending;
            boolean canAnswer;
            RunSummary shown = summary;
            try {
                pending = live.map(RunHandle::pendingCheckpoints).orElseGet(() -> journalPending(id));
                canAnswer = live.isPresent() && !live.get().status().isFinal();
                if (live.isPresent() && !summary.live()) {
                    shown = summary.withStatus(live.get().status().name());   // open elsewhere: its status, not "interrupted"
                }
            } catch (RuntimeException remoteDidNotAnswer) {
                pending = journalPending(id);
                canAnswer = false;
            }
            body.put("summary", shown);
            body.put("pendingCheckpoints", pending);
            body.put("canAnswer", canAnswer);
            return body;
        });
    }

    /** Checkpoints a journal asked and never resolved (the run must be resumed to answer them). */
    private List<Checkpoint> journalPending(String id) {
        Map<String, Checkpoint> pending = new LinkedHashMap<>();
        for (RunEvent e : board.journal(id).orElse(List.of())) {
            if (e instanceof RunEvent.CheckpointRequested c) pending.put(c.checkpoint().id(), c.checkpoint());
            if (e instanceof RunEvent.CheckpointResolved r) pending.remove(r.checkpointId());
            if (e.isTerminal()) pending.clear();
        }
        return List.copyOf(pending.values());
    }

    private static long lastEventId(HttpServletRequest request) {
        String last = request.getHeader("Last-Event-ID");
        if (last == null || !last.matches("\\d{1,18}")) {
            return 0;
        }
        return Long.parseLong(last);
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = String.valueOf(request.getPathInfo());
        JsonNode body = Json.body(request, response);
        if (body == null) {
            return;
        }
        if (path.equals("/runs")) {
            start(body, response);
            return;
        }
        Matcher m = RUN.matcher(path);
        if (!m.matches() || m.group(2) == null || m.group(2).equals("/events")) {
            Json.error(response, 404, "There is no API at POST '" + path + "'.");
            return;
        }
        Optional<RunHandle> live;
        try {
            live = answerable(m.group(1));
        } catch (IllegalStateException unreachable) {
            Json.error(response, 503, unreachable.getMessage());
            return;
        }
        if (live.isEmpty()) {
            Json.error(response, 409, "Run '" + m.group(1) + "' is not running in this process; resume it with: cadre runs resume "
                    + m.group(1) + ".");
            return;
        }
        if (m.group(2).equals("/cancel")) {
            live.get().cancel();
            Json.write(response, 202, Map.of("runId", m.group(1), "status", live.get().status().name()));
            return;
        }
        String checkpoint = body.path("checkpointId").asText("");
        Decision decision;
        try {
            decision = decision(body);
        } catch (IllegalArgumentException e) {
            Json.error(response, 400, e.getMessage());
            return;
        }
        try {
            live.get().resolve(checkpoint, decision);
        } catch (IllegalArgumentException e) {
            Json.error(response, 404, e.getMessage());
            return;
        } catch (IllegalStateException e) {
            Json.error(response, 503, e.getMessage());   // a remote run's server did not take the decision
            return;
        }
        Json.write(response, 200, Map.of("runId", m.group(1), "checkpointId", checkpoint, "decision", decision.kind().name()));
    }

    static Decision decision(JsonNode body) {
        String kind = body.path("decision").asText("");
        String feedback = body.hasNonNull("feedback") && !body.get("feedback").asText().isBlank() ? body.get("feedback").asText() : null;
        String by = "console";
        return switch (kind) {
            case "approve" -> new Decision(Decision.Kind.APPROVE, feedback, null, by);
            case "reject" -> {
                if (feedback == null) {
                    throw new IllegalArgumentException("A rejection needs feedback: say what to change.");
                }
                yield Decision.reject(feedback, by);
            }
            case "edit" -> {
                if (!body.hasNonNull("editedOutput")) {
                    throw new IllegalArgumentException("An edit needs the edited output ('editedOutput').");
                }
                yield new Decision(Decision.Kind.EDIT, feedback, body.get("editedOutput").asText(), by);
            }
            case "abort" -> Decision.abort(feedback == null ? "Aborted from the console." : feedback, by);
            default -> throw new IllegalArgumentException("Decision '" + kind + "' is unknown; use approve, reject, edit or abort.");
        };
    }

    private void start(JsonNode body, HttpServletResponse response) throws IOException {
        if (launcher == null) {
            Json.error(response, 409, "This console only watches runs; start crews from the program that serves it.");
            return;
        }
        String name = body.path("crew").asText("");
        CrewFile crew = crews.get(name);
        if (crew == null) {
            Json.error(response, 400, "There is no crew '" + name + "'; crews: " + String.join(", ", crews.keySet().stream().sorted().toList()) + ".");
            return;
        }
        String task = body.path("task").asText("").strip();
        if (task.isEmpty()) {
            Json.error(response, 400, "Say what the crew should do: the task is empty.");
            return;
        }
        Map<String, String> inputs = new LinkedHashMap<>(crew.inputs());
        body.path("inputs").fields().forEachRemaining(e -> inputs.put(e.getKey(), e.getValue().asText()));
        RunHandle run;
        try {
            run = launcher.start(crew, Task.of("task", task).withInputs(inputs));
        } catch (IllegalArgumentException | IllegalStateException e) {
            Json.error(response, 400, e.getMessage());
            return;
        }
        Json.write(response, 201, Map.of("runId", run.runId()));
    }
}
