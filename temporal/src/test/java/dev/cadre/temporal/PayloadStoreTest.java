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
}
