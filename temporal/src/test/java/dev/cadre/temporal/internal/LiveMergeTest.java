package dev.cadre.temporal.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.RunEvent;
import dev.cadre.api.Usage;
import dev.cadre.orchestrator.journal.LiveTokens;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/** Placing live tokens into a journal tail: between their call's request and response, never after it, bounded. */
class LiveMergeTest {

    static final Instant AT = Instant.EPOCH;

    static RunEvent.ModelRequested requested(long seq, String agent, int turn) {
        return new RunEvent.ModelRequested("r", "s", seq, AT, agent, "m:m", turn, List.of(), List.of());
    }

    static RunEvent.ModelResponded responded(long seq, String agent, int turn, String text) {
        return new RunEvent.ModelResponded("r", "s", seq, AT, agent, "m:m", turn, text, List.of(), "STOP", Usage.ZERO, false);
    }

    static LiveTokens.Chunk chunk(String agent, int turn, String text) {
        return new LiveTokens.Chunk("r", "s", agent, turn, text, AT);
    }

    static List<String> shown(List<RunEvent> events) {
        return events.stream().map(e -> e instanceof RunEvent.TokenStreamed t ? "token " + t.token() + " @" + t.seq()
                : e.getClass().getSimpleName() + " #" + e.seq()).toList();
    }

    @Test
    void aTokenThatComesBeforeItsCallsRequestWaitsForItAndOneAfterItsResponseIsDropped() {
        LiveMerge merge = new LiveMerge("r");
        List<RunEvent> out = new ArrayList<>();
        out.addAll(merge.accept(chunk("a", 1, "Hel")));          // the live channel is faster than the journal's tail
        out.addAll(merge.accept(requested(3, "a", 1)));
        out.addAll(merge.accept(chunk("a", 1, "lo")));
        out.addAll(merge.accept(responded(4, "a", 1, "Hello")));
        out.addAll(merge.accept(chunk("a", 1, " late")));        // its answer is journaled whole already
        out.addAll(merge.accept(chunk("a", 2, "Next")));         // the next turn's, before its request
        out.addAll(merge.accept(requested(5, "a", 2)));

        assertThat(shown(out)).containsExactly("ModelRequested #3", "token Hel @3", "token lo @3", "ModelResponded #4",
                "ModelRequested #5", "token Next @5");
    }

    @Test
    void tokensWaitingForARequestAreBoundedAndTheOldestGoFirst() {
        LiveMerge merge = new LiveMerge("r");
        for (int i = 0; i < LiveMerge.MAX_WAITING + 10; i++) {
            assertThat(merge.accept(chunk("a", 1, "t" + i))).isEmpty();
        }
        List<RunEvent> out = merge.accept(requested(1, "a", 1));

        assertThat(out).hasSize(LiveMerge.MAX_WAITING + 1);
        assertThat(((RunEvent.TokenStreamed) out.get(1)).token()).isEqualTo("t10");
        assertThat(merge.accept(responded(2, "b", 1, "x"))).hasSize(1);
    }

    @Test
    void theMergedEventsEndWithTheJournalEvenThoughTheLiveChannelNeverEnds() {
        Sinks.Many<LiveTokens.Chunk> live = Sinks.many().multicast().directBestEffort();
        Flux<RunEvent> journal = Flux.defer(() -> {
            // the live channel is subscribed first: a token published while the journal is read is not lost
            assertThat(live.tryEmitNext(chunk("a", 1, "H"))).isEqualTo(Sinks.EmitResult.OK);
            return Flux.<RunEvent>just(requested(1, "a", 1), responded(2, "a", 1, "Hi"),
                    new RunEvent.RunFinished("r", "", 3, AT, "Hi", Usage.ZERO)).delayElements(Duration.ofMillis(50));
        });
        List<RunEvent> events = LiveMerge.events("r", journal, live.asFlux())
                .doOnNext(e -> {
                    if (e instanceof RunEvent.ModelRequested) {
                        live.tryEmitNext(chunk("a", 1, "i"));
                    }
                })
                .collectList().block(Duration.ofSeconds(5));

        assertThat(shown(events)).containsExactly("ModelRequested #1", "token H @1", "token i @1", "ModelResponded #2", "RunFinished #3");
        assertThat(LiveMerge.events("r", Flux.empty(), live.asFlux()).collectList().block(Duration.ofSeconds(5)))
                .as("a journal that ends without the run's end ends the view too").isEmpty();
    }
}
