package dev.cadre.temporal.internal;

import dev.cadre.api.RunEvent;
import dev.cadre.orchestrator.journal.LiveTokens;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One subscriber's view of a run: its journal tail in order, with the live tokens of each model call placed between the
 * call's journaled {@code model_requested} and {@code model_responded}, as the local driver publishes them. A token of a
 * call whose request the tail has not reached yet waits (at most {@link #MAX_WAITING}, the oldest dropped); a token of
 * a call whose response was already given is dropped (the response holds the whole answer). Each token carries the
 * sequence number of the last journaled event given before it, as on the local driver.
 *
 * <p>Bounded: it remembers the last {@link #MAX_CALLS} calls (open or answered) and at most {@link #MAX_WAITING}
 * tokens; nothing grows with the run. Not thread-safe: {@link #events} feeds it one element at a time.
 */
final class LiveMerge {

    static final int MAX_CALLS = 256;
    static final int MAX_WAITING = 256;

    private record Call(String stepPath, String agent, int turn) {}

    private final String runId;
    private final Map<Call, Boolean> calls = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Call, Boolean> eldest) {
            return size() > MAX_CALLS;
        }
    };
    private final Deque<LiveTokens.Chunk> waiting = new ArrayDeque<>();
    private long lastSeq;

    LiveMerge(String runId) {
        this.runId = runId;
    }

    /** {@code journal} (which ends with the run's last event) merged with {@code live}: completes with the journal. */
    static Flux<RunEvent> events(String runId, Flux<RunEvent> journal, Flux<LiveTokens.Chunk> live) {
        return Flux.defer(() -> {
            LiveMerge merge = new LiveMerge(runId);
            Object end = new Object();
            // live first: a token published while the journal is being read waits for its call rather than being lost
            return Flux.<Object>merge(live, journal.cast(Object.class).concatWith(Mono.just(end)))
                    .takeWhile(next -> next != end)
                    .concatMapIterable(merge::accept)
                    .takeUntil(RunEvent::isTerminal);
        });
    }

    /** What to give the subscriber now that {@code next} (a journaled event or a live chunk) came. */
    List<RunEvent> accept(Object next) {
        if (next instanceof LiveTokens.Chunk chunk) {
            return token(chunk);
        }
        RunEvent event = (RunEvent) next;
        lastSeq = event.seq();
        List<RunEvent> out = new ArrayList<>(1);
        out.add(event);
        if (event instanceof RunEvent.ModelRequested r) {
            Call call = new Call(r.stepPath(), r.agent(), r.turn());
            calls.put(call, Boolean.TRUE);
            for (Iterator<LiveTokens.Chunk> it = waiting.iterator(); it.hasNext(); ) {
                LiveTokens.Chunk c = it.next();
                if (call.equals(callOf(c))) {
                    it.remove();
                    out.add(streamed(c));
                }
            }
        } else if (event instanceof RunEvent.ModelResponded r) {
            Call call = new Call(r.stepPath(), r.agent(), r.turn());
            calls.put(call, Boolean.FALSE);
            waiting.removeIf(c -> call.equals(callOf(c)));
        }
        return out;
    }

    private List<RunEvent> token(LiveTokens.Chunk chunk) {
        Boolean open = calls.get(callOf(chunk));
        if (open == null) {
            if (waiting.size() >= MAX_WAITING) {
                waiting.pollFirst();
            }
            waiting.addLast(chunk);
            return List.of();
        }
        return open ? List.of(streamed(chunk)) : List.of();
    }

    private static Call callOf(LiveTokens.Chunk chunk) {
        return new Call(chunk.stepPath(), chunk.agent(), chunk.turn());
    }

    private RunEvent streamed(LiveTokens.Chunk chunk) {
        return new RunEvent.TokenStreamed(runId, chunk.stepPath(), lastSeq, chunk.at(), chunk.agent(), chunk.text());
    }
}
