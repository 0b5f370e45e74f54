package dev.cadre.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.api.Agent;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.Persona;
import dev.cadre.api.RunResult;
import dev.cadre.api.Task;
import dev.cadre.api.crew.Crew;
import dev.cadre.api.crew.Step;
import dev.cadre.cli.demo.DemoProject;
import dev.cadre.cli.demo.DemoScript;
import dev.cadre.jdbc.JdbcJournalConfig;
import dev.cadre.jdbc.JdbcJournalStore;
import dev.cadre.jdbc.PostgresExtension;
import dev.cadre.orchestrator.Orchestrator;
import dev.cadre.testkit.Reply;
import dev.cadre.testkit.ScriptedModel;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared PostgreSQL journal store (a real server, {@link PostgresExtension}) through every command's
 * {@code --journal URL}, with the key from CADRE_JOURNAL_KEY: a run journaled there by {@code cadre run} is listed,
 * shown, verified, exported, replayed and pruned (with its payload files) by {@code cadre runs}, listed by the console's
 * API and read as an MCP resource; a wrong key shows it changed; a missing key or a bad URL is one sentence.
 */
@Timeout(300)
class SharedJournalProcessTest {

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    @TempDir
    Path dir;

    /** The runs directory, outside the workspace ({@link #dir}, the commands' current directory). */
    @TempDir
    Path runs;

    String url;
    String key;
    Map<String, String> env;

    @BeforeEach
    void database() throws Exception {
        url = POSTGRES.newDatabase();
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        key = Base64.getEncoder().encodeToString(bytes);
        env = Map.of(JdbcJournalConfig.KEY, key);
    }

    JdbcJournalStore store() {
        return JdbcJournalConfig.builder(url, env).build();
    }

    /** Journals a run that started and finished now, as another machine's would be. */
    void finishedRun(String runId) {
        java.time.Instant now = java.time.Instant.now();
        try (JdbcJournalStore store = store(); var appender = store.open(runId)) {
            appender.append(new dev.cadre.api.RunEvent.RunStarted(runId, "", 1, now, "crew", Task.of("t", "A run elsewhere.")));
            appender.append(new dev.cadre.api.RunEvent.RunFinished(runId, "", 2, now, "done elsewhere", dev.cadre.api.Usage.ZERO));
        }
    }

    CadreProcess.Outcome cadre(Map<String, String> env, String... args) throws Exception {
        return CadreProcess.run(dir, env, "", args);
    }

    @Test
    void cadre_runs_list_reads_the_shared_store_with_the_key_from_configuration() throws Exception {
        String runId;
        try (JdbcJournalStore store = store()) {
            ScriptedModel model = ScriptedModel.builder().atStep("pipeline/plan", Reply.text("a plan")).build();
            Orchestrator orchestrator = Orchestrator.builder().models(ModelRegistry.of("scripted:m", model)).journalStore(store)
                    .runsDirectory(dir.resolve("unused-runs")).build();
            Crew crew = Crew.of("shared-crew", Step.sequential("pipeline",
                    Step.work(Agent.resolve(Persona.builder("planner").role("planner").build(), List.of()), Task.of("plan", "Plan it"))));
            RunResult result = orchestrator.run(crew, Task.of("t", "Plan the shared journal")).result().block();
            runId = result.runId();
            assertThat(store.read(runId).integrity().isIntact()).isTrue();
        }

        CadreProcess.Outcome listed = cadre(env, "runs", "list", "--journal", url);
        assertThat(listed.exit()).as(listed.stderr()).isZero();
        assertThat(listed.stdout()).contains(runId).contains("shared-crew").contains("succeeded").contains("Plan the shared journal");

        String other = Base64.getEncoder().encodeToString(new byte[32]);
        CadreProcess.Outcome wrongKey = cadre(Map.of(JdbcJournalConfig.KEY, other, JdbcJournalConfig.URL, url), "runs", "list");
        assertThat(wrongKey.stdout()).contains(runId).contains("CHANGED at line 1");
    }

    @Test
    void a_run_journaled_by_cadre_run_is_shown_verified_exported_replayed_and_pruned_by_the_commands() throws Exception {
        Reply yes = Reply.text("{\"answer\":\"yes\",\"reasons\":\"lower latency\"}");
        try (ModelStubServer stub = new ModelStubServer(List.of(yes, yes, yes, Reply.text("Yes: all three agree.")))) {
            Map<String, String> withModel = new HashMap<>(env);
            withModel.put("OPENAI_BASE_URL", stub.openAiUrl());
            withModel.put("CADRE_MODEL", "openai:gpt-4.1-mini");
            CadreProcess.Outcome run = cadre(withModel, "run", "debate", "--task", "Should we adopt virtual threads?", "--yes",
                    "--runs", runs.toString(), "--journal", url);
            assertThat(run.exit()).as(run.stdout() + run.stderr()).isZero();
            assertThat(run.stdout()).contains("Yes: all three agree.").contains("--journal " + JournalOption.withoutQuery(url));
        }
        String runId;
        try (JdbcJournalStore store = store()) {
            assertThat(store.runIds()).hasSize(1);
            runId = store.runIds().get(0);
            assertThat(store.read(runId).integrity().isIntact()).isTrue();
        }
        assertThat(StoredRuns.ids(runs)).as("nothing journaled in the runs directory").isEmpty();

        CadreProcess.Outcome show = cadre(env, "runs", "show", runId, "--journal", url);
        assertThat(show.exit()).as(show.stderr()).isZero();
        assertThat(show.stdout()).contains("Status:  succeeded").contains("Yes: all three agree.");
        CadreProcess.Outcome verify = cadre(env, "runs", "verify", runId, "--journal", url);
        assertThat(verify.exit()).as(verify.stderr()).isZero();
        assertThat(verify.stdout()).contains("is intact");

        Path exported = dir.resolve("exported.jsonl");
        CadreProcess.Outcome export = cadre(env, "runs", "export", runId, "--journal", url, "--out", exported.toString());
        assertThat(export.exit()).as(export.stderr()).isZero();
        assertThat(Files.readAllLines(exported)).allSatisfy(l -> assertThat(l).startsWith("{").contains("\"mac\""));
        CadreProcess.Outcome fileVerified = cadre(env, "runs", "verify", exported.toString(), "--journal", url);
        assertThat(fileVerified.exit()).as(fileVerified.stdout() + fileVerified.stderr()).isZero();
        assertThat(fileVerified.stdout()).contains("is intact: every line verifies");
        CadreProcess.Outcome replayed = cadre(env, "replay", exported.toString(), "--journal", url);
        assertThat(replayed.exit()).as(replayed.stderr()).isZero();
        assertThat(replayed.stdout()).as("the exported file replays as the stored run shows").isEqualTo(show.stdout());

        // pruning takes the run's payload files, not another kept run's with the same content
        finishedRun("kept-run");
        for (String id : List.of(runId, "kept-run")) {
            Files.createDirectories(runs.resolve("payloads").resolve(id));
            Files.writeString(runs.resolve("payloads").resolve(id).resolve("0".repeat(64)), "the same large text");
        }
        sql("UPDATE cadre_journal_runs SET updated_at = now() - interval '40 days' WHERE run_id = '" + runId + "'");
        CadreProcess.Outcome pruned = cadre(env, "runs", "prune", "--older-than", "30d", "--journal", url, "--runs", runs.toString());
        assertThat(pruned.exit()).as(pruned.stderr()).isZero();
        assertThat(pruned.stdout()).contains("Removed run " + runId).contains("Removed 1 run from " + JournalOption.withoutQuery(url));
        assertThat(runs.resolve("payloads").resolve(runId)).doesNotExist();
        assertThat(runs.resolve("payloads/kept-run").resolve("0".repeat(64))).hasContent("the same large text");
        try (JdbcJournalStore store = store()) {
            assertThat(store.runIds()).containsExactly("kept-run");
        }
    }

    @Test
    void a_temporal_worker_journals_a_cluster_run_into_the_shared_store() throws Exception {
        Reply yes = Reply.text("{\"answer\":\"yes\",\"reasons\":\"lower latency\"}");
        try (ModelStubServer stub = new ModelStubServer(List.of(yes, yes, yes, Reply.text("Yes: all three agree.")));
             TemporalCluster cluster = new TemporalCluster(dir, stub.openAiUrl())) {
            cluster.env.putAll(env);
            Path workerRuns = Files.createDirectories(runs.resolve("worker"));
            Path workspace = Files.createDirectories(dir.resolve("workspace"));
            TemporalCluster.ready(cluster.cadre("worker", "worker", "--temporal", cluster.target(), "--task-queue", "shared-journal",
                    "--workspace", workspace.toString(), "--runs", workerRuns.toString(), "--crew", "debate", "--journal", url));
            TemporalCluster.Started run = cluster.cadre("run", "run", "debate", "--task", "Should we adopt virtual threads?", "--yes",
                    "--workspace", workspace.toString(), "--runs", runs.resolve("client").toString(), "--temporal", cluster.target(),
                    "--task-queue", "shared-journal", "--journal", url);
            assertThat(TemporalCluster.exit(run, 120)).as(run.err()).isZero();
            assertThat(Files.readString(run.stdout())).contains("Yes: all three agree.");
        }
        try (JdbcJournalStore store = store()) {
            assertThat(store.runIds()).hasSize(1);
            var journal = store.read(store.runIds().get(0));
            assertThat(journal.integrity().isIntact()).isTrue();
            assertThat(journal.events().get(journal.events().size() - 1)).isInstanceOf(dev.cadre.api.RunEvent.RunFinished.class);
        }
        assertThat(StoredRuns.ids(runs.resolve("worker"))).as("the worker journaled nothing in its runs directory").isEmpty();
    }

    @Test
    void a_cluster_runs_payloads_go_to_the_shared_store_not_to_any_runs_directory_and_are_pruned_with_the_run() throws Exception {
        Path workspace = Files.createDirectories(dir.resolve("workspace"));
        StringBuilder text = new StringBuilder();
        for (int i = 0; text.length() < 600_000; i++) {
            text.append("line ").append(i).append(" of the large report\n");
        }
        text.append("THE-END-OF-THE-REPORT\n");
        Files.writeString(workspace.resolve("report.txt"), text);
        Path crew = Files.writeString(Files.createDirectories(dir.resolve("crews")).resolve("reader.yaml"), """
                name: reader
                agents:
                  reader: {role: Reader, tools: [workspace_read]}
                tasks:
                  - {id: read, description: "{task}", agent: reader}
                """);
        Path workerRuns = Files.createDirectories(runs.resolve("worker"));
        Path clientRuns = Files.createDirectories(runs.resolve("client"));
        try (ModelStubServer stub = new ModelStubServer(List.of(Reply.toolCall("workspace_read", "{\"path\":\"report.txt\"}"),
                Reply.text("The report ends with THE-END-OF-THE-REPORT.")));
             TemporalCluster cluster = new TemporalCluster(dir, stub.openAiUrl())) {
            cluster.env.putAll(env);
            TemporalCluster.ready(cluster.cadre("worker", "worker", "--temporal", cluster.target(), "--task-queue", "payloads",
                    "--workspace", workspace.toString(), "--runs", workerRuns.toString(), "--crew", crew.toString(), "--journal", url));
            TemporalCluster.Started run = cluster.cadre("run", "run", crew.toString(), "--task", "Read report.txt", "--yes",
                    "--workspace", workspace.toString(), "--runs", clientRuns.toString(), "--temporal", cluster.target(),
                    "--task-queue", "payloads", "--journal", url);
            assertThat(TemporalCluster.exit(run, 120)).as(run.err()).isZero();
            assertThat(Files.readString(run.stdout())).contains("The report ends with THE-END-OF-THE-REPORT.");
            assertThat(stub.requests).hasSize(2);
            assertThat(stub.requests.get(1).path("messages").toString()).as("the whole tool result reached the model")
                    .contains("line 1 of the large report").contains("THE-END-OF-THE-REPORT").hasSizeGreaterThan(600_000);
        }
        String runId;
        try (JdbcJournalStore store = store()) {
            runId = store.runIds().get(0);
            var journal = store.read(runId);
            assertThat(journal.integrity().isIntact()).isTrue();
            assertThat(((dev.cadre.api.RunEvent.RunStarted) journal.events().get(0)).workspace())
                    .as("the worker's workspace, recorded as a local run records its own").isEqualTo(workspace.toAbsolutePath().normalize().toString());
            assertThat(journal.events().stream().filter(dev.cadre.api.RunEvent.ToolReturned.class::isInstance).map(Object::toString))
                    .singleElement().asString().contains("[cadre-payload sha256:");
        }
        assertThat(payloadRows(runId)).as("two chat requests and the tool result, by reference").isEqualTo(3);
        assertThat(workerRuns.resolve("payloads")).as("the worker's runs directory holds no payload").doesNotExist();
        assertThat(clientRuns.resolve("payloads")).as("nor the client's").doesNotExist();

        CadreProcess.Outcome show = cadre(env, "runs", "show", runId, "--journal", url);
        assertThat(show.exit()).as(show.stderr()).isZero();
        assertThat(show.stdout()).contains("started: crew reader, task task, workspace " + workspace.toAbsolutePath().normalize());

        CadreProcess.Outcome pruned = cadre(env, "runs", "prune", "--older-than", "0s", "--journal", url, "--runs", runs.resolve("other").toString());
        assertThat(pruned.exit()).as(pruned.stderr()).isZero();
        assertThat(pruned.stdout()).contains("Removed run " + runId);
        assertThat(payloadRows(runId)).as("the payload rows went with the run").isZero();
    }

    private long payloadRows(String runId) throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             java.sql.ResultSet r = s.executeQuery("SELECT count(*) FROM cadre_journal_payloads WHERE run_id = '" + runId + "'")) {
            r.next();
            return r.getLong(1);
        }
    }

    @Test
    void a_run_waiting_at_a_checkpoint_in_the_shared_store_is_resumed_from_it() throws Exception {
        Path project = DemoProject.copyTo(dir.resolve("calculator"));
        try (ModelStubServer stub = new ModelStubServer(DemoScript.inOrder())) {
            Map<String, String> withModel = new HashMap<>(env);
            withModel.putAll(Map.of("OPENAI_BASE_URL", stub.openAiUrl(), "OPENAI_API_KEY", "sk-test", "CADRE_MODEL", "openai:gpt-4.1-mini",
                    JdbcJournalConfig.URL, url));
            CadreProcess.Outcome waiting = cadre(withModel, "run", "coder-reviewer", "--task", DemoScript.TASK, "--workspace",
                    project.toString(), "--runs", runs.toString());
            assertThat(waiting.exit()).as(waiting.stderr()).isEqualTo(ExitCodes.WAITING);
            String runId;
            try (JdbcJournalStore store = store()) {
                runId = store.runIds().get(0);
            }
            CadreProcess.Outcome resumed = cadre(withModel, "runs", "resume", runId, "--runs", runs.toString(), "--yes");
            assertThat(resumed.exit()).as(resumed.stdout() + resumed.stderr()).isZero();
            CliProcessTest.assertFixed(project);
        }
        try (JdbcJournalStore store = store()) {
            var events = store.read(store.runIds().get(0)).events();
            assertThat(events.get(events.size() - 1)).isInstanceOf(dev.cadre.api.RunEvent.RunFinished.class);
            assertThat(events.stream().filter(dev.cadre.api.RunEvent.RunStarted.class::isInstance)).hasSize(1);
        }
        assertThat(StoredRuns.ids(runs)).isEmpty();
    }

    @Test
    void the_console_lists_and_the_mcp_server_reads_runs_of_the_shared_store() throws Exception {
        String runId = "20260101-000000-shared";
        finishedRun(runId);
        Map<String, String> withUrl = new HashMap<>(env);
        withUrl.put(JdbcJournalConfig.URL, url);   // the configuration every machine shares, instead of --journal

        Process console = serve(withUrl, "console", "--port", "0", "--runs", runs.toString());
        try {
            String base = consoleUrl;
            HttpResponse<String> listed = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/api/runs")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
            assertThat(listed.body()).contains(runId);
        } finally {
            console.destroy();
            console.waitFor(20, TimeUnit.SECONDS);
        }

        ProcessBuilder mcpBuilder = new ProcessBuilder(command("mcp", "--stdio", "--runs", runs.toString(), "--journal", url))
                .directory(dir.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD);
        mcpBuilder.environment().keySet().removeIf(k -> k.startsWith("CADRE_") && !k.equals("CADRE_STATE_DIR"));
        mcpBuilder.environment().putAll(env);
        Process mcp = mcpBuilder.start();
        try {
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Thread reader = new Thread(() -> new BufferedReader(new InputStreamReader(mcp.getInputStream(), StandardCharsets.UTF_8))
                    .lines().forEach(lines::add));
            reader.setDaemon(true);
            reader.start();
            OutputStream in = mcp.getOutputStream();
            List<String> all = new ArrayList<>();
            SecretsProcessTest.call(in, lines, all, 1, "initialize", "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                    + "\"clientInfo\":{\"name\":\"shared-journal-test\",\"version\":\"1\"}}");
            SecretsProcessTest.send(in, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
            JsonNode list = SecretsProcessTest.call(in, lines, all, 2, "resources/list", "{}");
            assertThat(list.toString()).contains("cadre://runs/" + runId);
            JsonNode read = SecretsProcessTest.call(in, lines, all, 3, "resources/read", "{\"uri\":\"cadre://runs/" + runId + "\"}");
            assertThat(read.path("result").toString()).as(read.toString()).contains("run_finished").contains("done elsewhere").contains("\\\"mac\\\"");
        } finally {
            mcp.destroy();
            mcp.waitFor(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void a_missing_key_and_a_bad_url_are_one_sentence_naming_the_option() throws Exception {
        CadreProcess.Outcome noKey = cadre(Map.of(), "runs", "show", "r-1", "--journal", url);
        assertThat(noKey.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(noKey.stderr().strip()).startsWith("cadre: --journal " + JournalOption.withoutQuery(url)
                + ": a shared journal needs the key every worker shares: set CADRE_JOURNAL_KEY");
        CadreProcess.Outcome badUrl = cadre(env, "worker", "--temporal", "127.0.0.1:1", "--journal", "postgres://db/cadre?password=s3cret");
        assertThat(badUrl.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(badUrl.stderr().strip()).isEqualTo("cadre: --journal 'postgres://db/cadre' is not a journal store URL:"
                + " write jdbc:postgresql://host:port/database.");
        CadreProcess.Outcome badVariable = cadre(Map.of(JdbcJournalConfig.URL, "mysql://db"), "runs", "list");
        assertThat(badVariable.stderr().strip()).isEqualTo("cadre: CADRE_JOURNAL_URL 'mysql://db' is not a journal store URL:"
                + " write jdbc:postgresql://host:port/database.");
    }

    private String consoleUrl;

    /** Starts cadre with {@code args}, waiting for the console URL it prints (kept in {@link #consoleUrl}). */
    private Process serve(Map<String, String> env, String... args) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command(args)).directory(dir.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().keySet().removeIf(k -> k.startsWith("CADRE_") && !k.equals("CADRE_STATE_DIR"));
        builder.environment().putAll(env);
        Process process = builder.start();
        BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8));
        Pattern open = Pattern.compile("cadre console: open (http://[^/\\s]+)");
        StringBuilder seen = new StringBuilder();
        for (String line = err.readLine(); line != null; line = err.readLine()) {
            seen.append(line).append('\n');
            Matcher m = open.matcher(line);
            if (m.find()) {
                consoleUrl = m.group(1);
                Thread drain = new Thread(() -> err.lines().forEach(l -> { }));
                drain.setDaemon(true);
                drain.start();
                return process;
            }
        }
        throw new AssertionError("cadre printed no console URL:\n" + seen);
    }

    private List<String> command(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.cadre.cli.Main"));
        command.addAll(List.of(args));
        return command;
    }

    private void sql(String statement) throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }
}
