package dev.cadre.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.Agent;
import dev.cadre.api.CadreJson;
import dev.cadre.api.Decision;
import dev.cadre.api.HumanGate;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.Persona;
import dev.cadre.orchestrator.redaction.Redactor;
import dev.cadre.api.RiskLevel;
import dev.cadre.api.RunEvent;
import dev.cadre.api.RunHandle;
import dev.cadre.api.RunResult;
import dev.cadre.api.Task;
import dev.cadre.api.ToolResult;
import dev.cadre.testkit.Reply;
import dev.cadre.testkit.ScriptedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A planted API key reaches the run from the task, a tool's output and the model's answers; it appears nowhere in the
 * journal, the events, the checkpoints, the result or what the model is sent back, and {@code [REDACTED]} does.
 */
class SecretRedactionTest {

    static final Duration WAIT = Duration.ofSeconds(30);
    /** A fake key, planted as the value of OPENAI_API_KEY in the orchestrator's configuration. */
    static final String KEY = "planted-openai-key-7f3a9c21e5";
    /** A fake GitHub token, never configured: only its shape gives it away. */
    static final String SHAPED = "ghp_" + "0123456789abcdefghijklmnopqrstuvwxyzAB";

    @TempDir
    Path runs;

    @Test
    void aPlantedKeyEchoedByAToolAndTheModelIsRedactedEverywhere() throws Exception {
        TestTool env = new TestTool("show_config", RiskLevel.READ_ONLY,
                args -> ToolResult.ok("OPENAI_API_KEY=" + KEY + "\nGITHUB_TOKEN=" + SHAPED + "\nuser=" + args.get("text").asText()));
        TestTool write = new TestTool("save_note", RiskLevel.WRITES, args -> ToolResult.ok("saved"));
        ScriptedModel model = ScriptedModel.builder().agent("leaky",
                Reply.toolCall("show_config", "{\"text\":\"echo " + KEY + "\"}"),
                Reply.toolCall("save_note", "{\"text\":\"key is " + KEY + " and " + SHAPED + "\"}"),
                Reply.text("Done. The key is " + KEY + " and the token " + SHAPED + ".")).build();
        Orchestrator orchestrator = Orchestrator.builder().models(ModelRegistry.of("scripted:m", model))
                .tools(List.of(env, write)).runsDirectory(runs).gate(HumanGate.programmatic())
                .redactor(Redactor.fromEnvironment(Map.of("OPENAI_API_KEY", KEY))).build();
        Agent leaky = orchestrator.agent(Persona.builder("leaky").role("leaky").tools(List.of("show_config", "save_note")).build());

        RunHandle run = orchestrator.run(leaky, Task.of("leak", "Print the configuration; my key is " + KEY + "."));
        RunEvent.CheckpointRequested approval = run.events().ofType(RunEvent.CheckpointRequested.class).blockFirst(WAIT);
        assertThat(approval.checkpoint().proposedOutput()).doesNotContain(KEY).doesNotContain(SHAPED).contains(Redactor.MASK);
        assertThat(run.pendingCheckpoints()).singleElement()
                .satisfies(c -> assertThat(c.proposedOutput()).as("what a gate is shown").doesNotContain(KEY).contains(Redactor.MASK));
        run.resolve(approval.checkpoint().id(), Decision.approve("test"));
        RunResult result = run.result().block(WAIT);
        List<RunEvent> events = run.events().collectList().block(WAIT);

        assertThat(result.succeeded()).as(result.reason()).isTrue();
        assertThat(result.output()).isEqualTo("Done. The key is [REDACTED] and the token [REDACTED].");
        assertThat(result.outputs().values()).allSatisfy(o -> assertThat(o).doesNotContain(KEY));
        String journal = Journals.text(runs, run.runId());
        String published = CadreJson.mapper().writeValueAsString(events);
        for (String text : List.of(journal, published)) {
            assertThat(text).doesNotContain(KEY).doesNotContain(SHAPED);
            assertThat(text.split(java.util.regex.Pattern.quote(Redactor.MASK), -1).length - 1)
                    .as("masks: task, tool arguments x2, tool result x2, checkpoint, model answer x3, output x2").isGreaterThanOrEqualTo(10);
        }
        assertThat(ScriptedModel.lastToolResult(model.requestsFor("leaky").get(1).request()))
                .as("the tool result the model is sent back").doesNotContain(KEY).doesNotContain(SHAPED).contains("OPENAI_API_KEY=[REDACTED]");
        assertThat(env.calls).singleElement().satisfies(a -> assertThat(a.get("text").asText())
                .as("tools still get the arguments the model wrote").contains(KEY));
    }

    @Test
    void streamedTokensAndFailureReasonsAreRedactedAndTheDefaultRedactorKnowsKeyShapes() throws Exception {
        String openAiShaped = "sk-" + "proj-abcdefghijklmnopqrstuvwxyz0123";
        ScriptedModel model = ScriptedModel.builder()
                .agent("talker", Reply.text("my key is " + openAiShaped + " ok"))
                .agent("failer", Reply.fail(new IllegalStateException("401 for Authorization: Bearer " + openAiShaped))).build();
        List<RunEvent.TokenStreamed> tokens = new java.util.concurrent.CopyOnWriteArrayList<>();
        Orchestrator orchestrator = Orchestrator.builder().models(ModelRegistry.of("scripted:m", model)).runsDirectory(runs)
                .listener(handle -> handle.events().ofType(RunEvent.TokenStreamed.class).subscribe(tokens::add)).build();
        RunHandle talk = orchestrator.run(orchestrator.agent(Persona.builder("talker").role("t").build()), Task.of("t", "Talk."),
                RunOptions.DEFAULTS.withStreaming(true));
        RunResult talked = talk.result().block(WAIT);
        RunHandle fail = orchestrator.run(orchestrator.agent(Persona.builder("failer").role("f").build()), Task.of("f", "Fail."));
        RunResult failed = fail.result().block(WAIT);

        assertThat(talked.output()).isEqualTo("my key is [REDACTED] ok");
        assertThat(tokens).isNotEmpty()
                .allSatisfy(t -> assertThat(t.token()).doesNotContain(openAiShaped));
        assertThat(failed.reason()).doesNotContain(openAiShaped).contains("Bearer [REDACTED]");
        for (RunHandle run : List.of(talk, fail)) {
            assertThat(Journals.text(runs, run.runId())).doesNotContain(openAiShaped).contains(Redactor.MASK);
        }
    }

    /** Issue 13, finding 9's tail: a command printed the base64 form of a key, which reached the model and the journal. */
    @Test
    void encodedFormsOfAKnownSecretFromAToolReachNeitherTheJournalNorTheModel() throws Exception {
        byte[] key = KEY.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] environ = ("HOME=/root\0OPENAI_API_KEY=" + KEY + "\0PATH=/usr/bin\0").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        List<String> encoded = List.of(java.util.Base64.getEncoder().encodeToString(key), java.util.Base64.getUrlEncoder().encodeToString(key),
                java.util.Base64.getEncoder().encodeToString(environ), java.util.HexFormat.of().formatHex(key),
                java.util.HexFormat.of().withUpperCase().formatHex(key), java.net.URLEncoder.encode(KEY + "&x", java.nio.charset.StandardCharsets.UTF_8));
        String printed = String.join("\n", encoded);
        TestTool exfiltrate = new TestTool("read_environ", RiskLevel.READ_ONLY, args -> ToolResult.ok(printed));
        ScriptedModel model = ScriptedModel.builder().agent("thief",
                Reply.toolCall("read_environ", "{\"text\":\"/proc/1/environ\"}"), Reply.text("Here it is: " + encoded.get(0) + " " + encoded.get(3))).build();
        Orchestrator orchestrator = Orchestrator.builder().models(ModelRegistry.of("scripted:m", model)).tools(List.of(exfiltrate))
                .runsDirectory(runs).redactor(Redactor.fromEnvironment(Map.of("OPENAI_API_KEY", KEY))).build();
        Agent thief = orchestrator.agent(Persona.builder("thief").role("thief").tools(List.of("read_environ")).build());

        RunHandle run = orchestrator.run(thief, Task.of("t", "Find the key."));
        RunResult result = run.result().block(WAIT);
        String journal = Journals.text(runs, run.runId());
        String published = CadreJson.mapper().writeValueAsString(run.events().collectList().block(WAIT));
        String sentBack = ScriptedModel.lastToolResult(model.requestsFor("thief").get(1).request());

        assertThat(result.output()).isEqualTo("Here it is: [REDACTED] [REDACTED]");
        for (String text : List.of(journal, published, sentBack)) {
            assertThat(text).contains(Redactor.MASK).doesNotContain(KEY);
            assertThat(encoded).allSatisfy(form -> assertThat(text).doesNotContain(form));
        }
        String environBase64 = encoded.get(2);
        assertThat(sentBack).as("the key's part of the base64 environment is cut out")
                .doesNotContain(environBase64.substring(36, 72)).contains(Redactor.MASK);
    }

    @Test
    void redactionCanBeTurnedOff() throws Exception {
        ScriptedModel model = ScriptedModel.builder().agent("a", Reply.text("key " + KEY)).build();
        Orchestrator orchestrator = Orchestrator.builder().models(ModelRegistry.of("scripted:m", model)).runsDirectory(runs)
                .redactor(Redactor.none()).build();
        RunHandle run = orchestrator.run(orchestrator.agent(Persona.builder("a").role("a").build()), Task.of("t", "Go."));
        assertThat(run.result().block(WAIT).output()).isEqualTo("key " + KEY);
        assertThat(Journals.text(runs, run.runId())).contains(KEY);
    }
}
