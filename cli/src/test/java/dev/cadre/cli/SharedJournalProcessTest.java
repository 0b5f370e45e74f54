package dev.cadre.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.Agent;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.Persona;
import dev.cadre.api.RunResult;
import dev.cadre.api.Task;
import dev.cadre.api.crew.Crew;
import dev.cadre.api.crew.Step;
import dev.cadre.jdbc.JdbcJournalConfig;
import dev.cadre.jdbc.JdbcJournalStore;
import dev.cadre.jdbc.PostgresServer;
import dev.cadre.orchestrator.Orchestrator;
import dev.cadre.testkit.Reply;
import dev.cadre.testkit.ScriptedModel;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run journaled by one process into the shared PostgreSQL store (a real server, {@link PostgresServer}) is listed by
 * {@code cadre runs list --journal URL} in another, with the key from CADRE_JOURNAL_KEY; a wrong key shows it changed.
 */
class SharedJournalProcessTest {

    @TempDir
    Path dir;

    @Test
    void cadre_runs_list_reads_the_shared_store_with_the_key_from_configuration() throws Exception {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        String key = Base64.getEncoder().encodeToString(bytes);
        try (PostgresServer server = PostgresServer.start()) {
            String url = server.newDatabase();
            Map<String, String> env = Map.of(JdbcJournalConfig.KEY, key);
            String runId;
            try (JdbcJournalStore store = JdbcJournalConfig.builder(url, env).build()) {
                ScriptedModel model = ScriptedModel.builder().atStep("pipeline/plan", Reply.text("a plan")).build();
                Orchestrator orchestrator = Orchestrator.builder().models(ModelRegistry.of("scripted:m", model)).journalStore(store)
                        .runsDirectory(dir.resolve("unused-runs")).build();
                Crew crew = Crew.of("shared-crew", Step.sequential("pipeline",
                        Step.work(Agent.resolve(Persona.builder("planner").role("planner").build(), List.of()), Task.of("plan", "Plan it"))));
                RunResult result = orchestrator.run(crew, Task.of("t", "Plan the shared journal")).result().block();
                runId = result.runId();
                assertThat(store.read(runId).integrity().isIntact()).isTrue();
            }

            CadreProcess.Outcome listed = CadreProcess.run(dir, env, "", "runs", "list", "--journal", url);
            assertThat(listed.exit()).as(listed.stderr()).isZero();
            assertThat(listed.stdout()).contains(runId).contains("shared-crew").contains("succeeded").contains("Plan the shared journal");

            String other = Base64.getEncoder().encodeToString(new byte[32]);
            CadreProcess.Outcome wrongKey = CadreProcess.run(dir, Map.of(JdbcJournalConfig.KEY, other, JdbcJournalConfig.URL, url), "", "runs", "list");
            assertThat(wrongKey.stdout()).contains(runId).contains("CHANGED at line 1");

            CadreProcess.Outcome noKey = CadreProcess.run(dir, Map.of(), "", "runs", "list", "--journal", url);
            assertThat(noKey.exit()).isNotZero();
            assertThat(noKey.stderr()).contains("set CADRE_JOURNAL_KEY");
        }
    }
}
