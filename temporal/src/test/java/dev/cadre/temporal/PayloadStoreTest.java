package dev.cadre.temporal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.temporal.internal.PayloadStore;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The payload store: small text stays inline, large text becomes a placeholder of the same run, a changed file is refused. */
class PayloadStoreTest {

    @TempDir
    Path runs;

    @Test
    void large_text_becomes_a_placeholder_that_expands_only_in_its_own_run() {
        PayloadStore store = new PayloadStore(runs);
        String small = "x".repeat(PayloadStore.INLINE_LIMIT);
        String large = "y".repeat(PayloadStore.INLINE_LIMIT + 1);
        assertThat(store.shrink("r-1", small)).isSameAs(small);
        String placeholder = store.shrink("r-1", large);
        assertThat(placeholder).matches("\\[cadre-payload sha256:[0-9a-f]{64} " + large.length() + " chars]");
        assertThat(store.shrink("r-1", large)).as("the same content, the same file").isEqualTo(placeholder);
        assertThat(store.expand("r-1", placeholder)).isEqualTo(large);
        assertThat(store.expand("r-1", "plain text")).isEqualTo("plain text");
        assertThatThrownBy(() -> store.expand("r-2", placeholder)).as("another run's payloads are not reachable")
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("run 'r-2'");
    }

    @Test
    void a_changed_payload_file_and_a_run_id_that_is_no_file_name_are_refused() throws Exception {
        PayloadStore store = new PayloadStore(runs);
        String ref = store.put("r-1", "the request");
        Path file = runs.resolve("payloads/r-1/" + ref.substring("sha256:".length()));
        Files.writeString(file, "another request");
        assertThatThrownBy(() -> store.get("r-1", ref)).hasMessageContaining("was changed since it was written");
        assertThatThrownBy(() -> store.put("../escape", "x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot name a payload file");
    }

    @Test
    void removing_a_run_takes_its_payloads_and_leaves_another_runs_same_content() {
        PayloadStore store = new PayloadStore(runs);
        String large = "z".repeat(PayloadStore.INLINE_LIMIT + 1);
        String pruned = store.shrink("pruned", large);
        store.put("pruned", "its request");
        String kept = store.shrink("kept", large);
        assertThat(kept).as("content-addressed: the same reference").isEqualTo(pruned);
        assertThat(RunPayloads.in(runs).remove(java.util.List.of("pruned", "never-had-any", "../kept"))).isEqualTo(2);
        assertThat(runs.resolve("payloads/pruned")).doesNotExist();
        assertThat(store.expand("kept", kept)).as("the kept run still reads the same content").isEqualTo(large);
        assertThatThrownBy(() -> store.expand("pruned", pruned)).isInstanceOf(IllegalStateException.class);
        assertThat(RunPayloads.in(runs).remove("pruned")).isZero();
    }

    /** A journal store whose payloads are its own (as a PostgreSQL store's table), not files. */
    static final class OwnPayloads implements dev.cadre.orchestrator.journal.JournalStore.Payloads {
        final java.util.Map<String, byte[]> kept = new java.util.concurrent.ConcurrentHashMap<>();

        @Override public String put(String runId, byte[] content) {
            dev.cadre.orchestrator.journal.JournalStore.Payloads.requireSize(runId, content);
            String hash = dev.cadre.orchestrator.journal.JournalStore.Payloads.sha256(content);
            kept.put(runId + "/" + hash, content);
            return hash;
        }
        @Override public java.util.Optional<byte[]> get(String runId, String sha256) {
            return java.util.Optional.ofNullable(kept.get(runId + "/" + sha256));
        }
        @Override public int remove(String runId) {
            int before = kept.size();
            kept.keySet().removeIf(k -> k.startsWith(runId + "/"));
            return before - kept.size();
        }
        @Override public String location(String runId, String sha256) {
            return "own:" + runId + "/" + sha256;
        }
    }

    static dev.cadre.orchestrator.journal.JournalStore storeWith(OwnPayloads payloads) {
        dev.cadre.orchestrator.journal.MemoryJournalStore memory = new dev.cadre.orchestrator.journal.MemoryJournalStore();
        return (dev.cadre.orchestrator.journal.JournalStore) java.lang.reflect.Proxy.newProxyInstance(PayloadStoreTest.class.getClassLoader(),
                new Class<?>[] {dev.cadre.orchestrator.journal.JournalStore.class}, (proxy, method, args) ->
                        method.getName().equals("payloads") ? java.util.Optional.of(payloads) : method.invoke(memory, args));
    }

    @Test
    void with_a_store_that_keeps_payloads_nothing_goes_to_the_runs_directory_and_old_files_are_still_read() {
        OwnPayloads own = new OwnPayloads();
        PayloadStore store = new PayloadStore(storeWith(own), runs);
        String large = "q".repeat(PayloadStore.INLINE_LIMIT + 1);
        String placeholder = store.shrink("r-1", large);
        assertThat(own.kept).hasSize(1);
        assertThat(runs.resolve("payloads")).as("no payload file").doesNotExist();
        assertThat(store.expand("r-1", placeholder)).isEqualTo(large);

        String old = new PayloadStore(runs).put("r-1", "a request kept before the upgrade");
        assertThat(store.get("r-1", old)).as("a payload file of a run in flight at the upgrade").isEqualTo("a request kept before the upgrade");
        assertThat(store.remove("r-1")).as("both go with the run").isEqualTo(2);
        assertThatThrownBy(() -> store.get("r-1", old)).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("There is no payload own:r-1/").hasMessageContaining("the same journal store");
    }

    @Test
    void a_payload_over_the_limit_is_one_sentence_saying_so() {
        PayloadStore store = new PayloadStore(runs);
        String huge = "h".repeat(dev.cadre.orchestrator.journal.JournalStore.Payloads.MAX_BYTES + 1);
        assertThatThrownBy(() -> store.shrink("r-1", huge)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("A payload of run 'r-1' is 32.0 MiB, over the 32 MiB a payload may be (more than any model takes in one request).");
        assertThat(runs.resolve("payloads")).doesNotExist();
    }
}
