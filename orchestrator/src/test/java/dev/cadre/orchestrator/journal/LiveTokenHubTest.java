package dev.cadre.orchestrator.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.test.StepVerifier;

/** The in-process live token channel of the memory and local stores: fan-out per run, bounded, nothing kept. */
class LiveTokenHubTest {

    static LiveTokens.Chunk chunk(String runId, String text) {
        return new LiveTokens.Chunk(runId, "0", "writer", 1, text, Instant.EPOCH);
    }

    @Test
    void everySubscriberOfARunGetsItsChunksAndNoOtherRunsOnes() {
        LiveTokenHub hub = new LiveTokenHub();
        List<String> first = new CopyOnWriteArrayList<>();
        List<String> second = new CopyOnWriteArrayList<>();
        Disposable a = hub.subscribe("run-a").subscribe(c -> first.add(c.text()));
        Disposable b = hub.subscribe("run-a").subscribe(c -> second.add(c.text()));
        Disposable other = hub.subscribe("run-b").subscribe(c -> first.add("wrong run: " + c.text()));

        hub.publish(chunk("run-a", "Hello"));
        hub.publish(chunk("run-a", " world"));

        assertThat(first).containsExactly("Hello", " world");
        assertThat(second).containsExactly("Hello", " world");
        a.dispose();
        b.dispose();
        other.dispose();
    }

    @Test
    void nothingIsKeptForThoseWhoSubscribeLaterAndARunIsForgottenWhenItsLastSubscriberLeaves() {
        List<String> events = new ArrayList<>();
        LiveTokenHub hub = new LiveTokenHub(id -> events.add("first " + id), id -> events.add("last " + id));
        hub.publish(chunk("run-a", "before anyone listened"));
        List<String> seen = new CopyOnWriteArrayList<>();
        Disposable one = hub.subscribe("run-a").subscribe(c -> seen.add(c.text()));
        Disposable two = hub.subscribe("run-a").subscribe();
        assertThat(hub.subscribed("run-a")).isTrue();

        one.dispose();
        assertThat(hub.subscribed("run-a")).isTrue();
        two.dispose();

        assertThat(hub.subscribed("run-a")).isFalse();
        assertThat(seen).isEmpty();
        assertThat(events).containsExactly("first run-a", "last run-a");
    }

    @Test
    void aSubscriberThatLagsKeepsTheNewestChunksAndDropsTheOldest() {
        LiveTokenHub hub = new LiveTokenHub();
        int published = LiveTokens.MAX_QUEUED + 100;
        StepVerifier.create(hub.subscribe("run-a"), 0)
                .then(() -> {
                    for (int i = 0; i < published; i++) {
                        hub.publish(chunk("run-a", "t" + i));
                    }
                })
                .thenRequest(1)
                .assertNext(c -> assertThat(c.text()).isEqualTo("t100"))
                .thenRequest(LiveTokens.MAX_QUEUED - 1)
                .expectNextCount(LiveTokens.MAX_QUEUED - 2)
                .assertNext(c -> assertThat(c.text()).isEqualTo("t" + (published - 1)))
                .thenCancel()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void aLongChunkGoesInPiecesOfAtMostTheLimitAndASurrogatePairIsNeverCut() {
        String text = "a".repeat(LiveTokens.MAX_CHUNK_CHARS - 1) + "\uD83D\uDE00" + "b".repeat(1500);
        List<LiveTokens.Chunk> parts = LiveTokens.split(chunk("run-a", text), LiveTokens.MAX_CHUNK_CHARS);

        assertThat(parts).hasSize(3).allSatisfy(p -> assertThat(p.text().length()).isLessThanOrEqualTo(LiveTokens.MAX_CHUNK_CHARS));
        assertThat(parts.get(0).text()).hasSize(LiveTokens.MAX_CHUNK_CHARS - 1);
        assertThat(parts.get(1).text()).startsWith("\uD83D\uDE00");
        assertThat(String.join("", parts.stream().map(LiveTokens.Chunk::text).toList())).isEqualTo(text);

        LiveTokenHub hub = new LiveTokenHub();
        List<String> seen = new CopyOnWriteArrayList<>();
        Disposable d = hub.subscribe("run-a").subscribe(c -> seen.add(c.text()));
        hub.publish(chunk("run-a", text));
        assertThat(seen).hasSize(3);
        d.dispose();
        assertThatThrownBy(() -> LiveTokens.split(chunk("run-a", text), 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 2");
    }

    @Test
    void theMemoryAndLocalStoresOfferTheirChannel() {
        try (MemoryJournalStore store = new MemoryJournalStore()) {
            assertThat(store.liveTokens()).isPresent();
            List<String> seen = new CopyOnWriteArrayList<>();
            Disposable d = store.liveTokens().orElseThrow().subscribe("run-a").subscribe(c -> seen.add(c.text()));
            store.liveTokens().orElseThrow().publish(chunk("run-a", "hi"));
            assertThat(seen).containsExactly("hi");
            assertThat(store.runIds()).isEmpty();
            d.dispose();
        }
    }
}
