package dev.cadre.orchestrator;

import dev.cadre.orchestrator.journal.StoredJournal;
import static dev.cadre.testkit.CadreAssertions.assertThat;
import static dev.cadre.testkit.CadreAssertions.assertThatEvents;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.api.Agent;
import dev.cadre.api.CadreJson;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.Persona;
import dev.cadre.api.PriceTable;
import dev.cadre.api.RiskLevel;
import dev.cadre.api.RunEvent;
import dev.cadre.api.RunEvent.ModelRequested;
import dev.cadre.api.RunEvent.ModelResponded;
import dev.cadre.api.RunEvent.RunFailed;
import dev.cadre.api.RunEvent.RunFinished;
import dev.cadre.api.RunEvent.RunStarted;
import dev.cadre.api.RunEvent.StepFailed;
import dev.cadre.api.RunEvent.StepFinished;
import dev.cadre.api.RunEvent.StepStarted;
import dev.cadre.api.RunEvent.ToolCalled;
import dev.cadre.api.RunEvent.ToolReturned;
import dev.cadre.api.RunHandle;
import dev.cadre.api.RunResult;
import dev.cadre.api.Task;
import dev.cadre.api.ToolResult;
import dev.cadre.orchestrator.journal.JournalReader;
import dev.cadre.testkit.Reply;
import dev.cadre.testkit.ScriptedModel;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentTurnTest {

    static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path runs;

    final Persona analyst = Persona.builder("analyst").role("Text analyst").goal("Count words exactly")
            .tools("word_*").build();
    final Task count = Task.builder("count").description("How many words are in '{text}'?").input("text", "a b c").build();

    Orchestrator orchestrator(ScriptedModel model, TestTool... tools) {
        return Orchestrator.builder().models(ModelRegistry.of("scripted:default", model)).tools(List.of(tools))
                .runsDirectory(runs).build();
    }

    static RunResult await(RunHandle run) {
        return run.result().block(WAIT);
    }

    static List<RunEvent> events(RunHandle run) {
        return run.events().collectList().block(WAIT);
    }

    static String lastToolResult(ChatRequest request) {
        return ScriptedModel.lastToolResult(request);
    }

    @Test
    void aToolUsingTurnCallsTheToolFeedsTheResultBackAndAnswers() {
        TestTool words = TestTool.wordCount();
        ScriptedModel model = ScriptedModel.builder()
                .agent("analyst", Reply.toolCall("word_count", "{\"text\":\"a b c\"}").withUsage(50, 10),
                        Reply.dynamic(r -> Reply.text("There are " + lastToolResult(r) + " words.").withUsage(70, 8)))
                .build();
        Orchestrator orchestrator = orchestrator(model, words);

        RunHandle run = orchestrator.run(orchestrator.agent(analyst), count);
        RunResult result = await(run);

        assertThat(result).succeeded().hasOutput("There are 3 words.").hasStepOutput("count", "There are 3 words.")
                .hasModelCalls(2).hasToolCalls(1);
        assertThat(result.usage().inputTokens()).isEqualTo(120);
        assertThat(result.usage().outputTokens()).isEqualTo(18);
        assertThatEvents(events(run))
                .hasExactlyTypes(RunStarted.class, StepStarted.class, ModelRequested.class, ModelResponded.class,
                        ToolCalled.class, ToolReturned.class, ModelRequested.class, ModelResponded.class,
                        StepFinished.class, RunFinished.class)
                .hasContiguousSequenceNumbers()
                .stepPaths().containsExactly("count");
        assertThat(words.calls).singleElement().satisfies(a -> assertThat(a.get("text").asText()).isEqualTo("a b c"));
        assertThat(words.contexts.get(0).runId()).isEqualTo(run.runId());
        assertThat(words.contexts.get(0).agent()).isEqualTo("analyst");

        ChatRequest first = model.requests().get(0).request();
        assertThat(first.toolSpecifications()).extracting(s -> s.name()).containsExactly("word_count");
        assertThat(first.messages().get(0)).isInstanceOf(SystemMessage.class);
        assertThat(((SystemMessage) first.messages().get(0)).text()).isEqualTo("You are Text analyst.\nYour goal: Count words exactly");
        assertThat(((UserMessage) first.messages().get(1)).singleText()).isEqualTo("How many words are in 'a b c'?");
        ChatRequest second = model.requests().get(1).request();
        assertThat(second.messages()).hasSize(4);
        assertThat(second.messages().get(2)).isInstanceOf(AiMessage.class);
        assertThat(second.messages().get(3)).isInstanceOfSatisfying(ToolExecutionResultMessage.class,
                m -> assertThat(m.text()).isEqualTo("3"));

        StepFinished finished = events(run).stream().filter(StepFinished.class::isInstance).map(StepFinished.class::cast).findFirst().orElseThrow();
        assertThat(finished.usage().modelCalls()).isEqualTo(2);
        assertThat(finished.usage().totalTokens()).isEqualTo(138);
    }

    @Test
    void theJournalHoldsExactlyThePublishedEvents() {
        ScriptedModel model = ScriptedModel.builder().agent("analyst",
                Reply.toolCall("word_count", "{\"text\":\"x y\"}"), Reply.text("2")).build();
        Orchestrator orchestrator = orchestrator(model, TestTool.wordCount());
        RunHandle run = orchestrator.run(orchestrator.agent(analyst), count);
        await(run);
        StoredJournal journal = Journals.read(runs, run.runId());
        assertThat(journal.events()).containsExactlyElementsOf(events(run));
        assertThat(journal.tornTail()).isFalse();
        assertThat(run.runId()).matches("\\d{8}-\\d{6}-[0-9a-f]{16}");
    }

    @Test
    void recoversFromAnUnknownToolName() {
        TestTool words = TestTool.wordCount();
        ScriptedModel model = ScriptedModel.builder().agent("analyst",
                Reply.toolCall("wordcount", "{\"text\":\"a b c\"}"),
                Reply.toolCall("word_count", "{\"text\":\"a b c\"}"),
                Reply.text("3")).build();
        Orchestrator orchestrator = orchestrator(model, words);
        RunHandle run = orchestrator.run(orchestrator.agent(analyst), count);

        assertThat(await(run)).succeeded().hasOutput("3");
        assertThatEvents(events(run)).toolErrors()
                .containsExactly("There is no tool named 'wordcount'. Available tools: word_count.");
        assertThat(lastToolResult(model.requests().get(1).request()))
                .isEqualTo("Error: There is no tool named 'wordcount'. Available tools: word_count.");
        assertThat(words.calls).hasSize(1);
    }

    @Test
    void recoversFromArgumentsThatFailTheToolSchemaOrAreNotJson() {
        TestTool words = TestTool.wordCount();
        ScriptedModel model = ScriptedModel.builder().agent("analyst",
                Reply.toolCall("word_count", "{\"txt\":\"a b c\"}"),
                Reply.toolCall("word_count", "{\"text\": 42}"),
                Reply.toolCall("word_count", "{text: a b c"),
                Reply.toolCall("word_count", "{\"text\":\"a b c\"}"),
                Reply.text("3")).build();
        Orchestrator orchestrator = orchestrator(model, words);
        RunHandle run = orchestrator.run(orchestrator.agent(analyst), count);

        assertThat(await(run)).succeeded().hasOutput("3").hasToolCalls(4);
        List<String> errors = events(run).stream().filter(ToolReturned.class::isInstance).map(ToolReturned.class::cast)
                .filter(ToolReturned::error).map(ToolReturned::result).toList();
        assertThat(errors).hasSize(3);
        assertThat(errors.get(0)).startsWith("The arguments for tool 'word_count' do not match its parameters: ")
                .contains("text");
        assertThat(errors.get(1)).startsWith("The arguments for tool 'word_count' do not match its parameters: ")
                .contains("$.text").contains("string");
        assertThat(errors.get(2)).startsWith("The arguments for tool 'word_count' are not valid JSON");
        assertThat(words.calls).as("the tool only runs with valid arguments").hasSize(1);
    }

    @Test
    void aToolThatThrowsBecomesAnErrorTheModelSees() {
        TestTool broken = new TestTool("word_count", RiskLevel.READ_ONLY, args -> {
            throw new IllegalStateException("dictionary missing");
        });
        ScriptedModel model = ScriptedModel.builder().agent("analyst",
                Reply.toolCall("word_count", "{\"text\":\"a\"}"),
                Reply.dynamic(r -> Reply.text("Could not count: " + lastToolResult(r)))).build();
        Orchestrator orchestrator = orchestrator(model, broken);
        RunHandle run = orchestrator.run(orchestrator.agent(analyst), count);

        assertThat(await(run)).succeeded()
                .hasOutput("Could not count: Error: Tool 'word_count' failed: IllegalStateException: dictionary missing");
    }

    static final String VERDICT_SCHEMA = """
            {"type":"object","required":["verdict"],"additionalProperties":false,
             "properties":{"verdict":{"enum":["APPROVED","CHANGES_REQUESTED"]},"notes":{"type":"string"}}}""";

    @Test
    void structuredOutputIsAskedAgainWithTheValidationErrorUntilItMatches() throws Exception {
        JsonNode schema = CadreJson.mapper().readTree(VERDICT_SCHEMA);
        Persona reviewer = Persona.builder("reviewer").role("Code reviewer").build();
        Task review = Task.builder("review").description("Review the change.").outputSchema(schema).build();
        ScriptedModel model = ScriptedModel.builder().agent("reviewer",
                Reply.text("Looks good to me!"),
                Reply.text("{\"verdict\":\"MAYBE\"}"),
                Reply.text("```json\n{\"verdict\":\"APPROVED\",\"notes\":\"clean\"}\n```")).build();
        Orchestrator orchestrator = orchestrator(model);

        RunHandle run = orchestrator.run(Agent.of(reviewer), review);

        assertThat(await(run)).succeeded().hasOutput("{\"verdict\":\"APPROVED\",\"notes\":\"clean\"}").hasModelCalls(3);
        List<ScriptedModel.RecordedRequest> requests = model.requestsFor("reviewer");
        assertThat(requests.get(0).request().responseFormat().jsonSchema()).isNotNull();
        assertThat(requests.get(0).lastUserText()).contains("Answer with one JSON value that matches this JSON Schema");
        assertThat(requests.get(1).lastUserText())
                .startsWith("Your answer does not match the required JSON Schema: the answer is not valid JSON");
        assertThat(requests.get(2).lastUserText())
                .startsWith("Your answer does not match the required JSON Schema: $.verdict")
                .endsWith("Reply again with only the corrected JSON.");
        List<ModelRequested> requested = events(run).stream().filter(ModelRequested.class::isInstance).map(ModelRequested.class::cast).toList();
        assertThat(requested.get(2).newMessages()).singleElement()
                .satisfies(m -> assertThat(m.text()).startsWith("Your answer does not match"));
    }

    @Test
    void structuredOutputFailsCleanlyAfterTheRetryBound() throws Exception {
        JsonNode schema = CadreJson.mapper().readTree(VERDICT_SCHEMA);
        Persona reviewer = Persona.builder("reviewer").role("Code reviewer").outputSchema(schema).build();
        ScriptedModel model = ScriptedModel.builder().agent("reviewer",
                Reply.text("{}"), Reply.text("{}"), Reply.text("{}"), Reply.text("never asked")).build();
        Orchestrator orchestrator = orchestrator(model);

        RunHandle run = orchestrator.run(Agent.of(reviewer), Task.of("review", "Review it."));
        RunResult result = await(run);

        assertThat(result).failed().hasModelCalls(3);
        assertThat(result.reason()).startsWith("Agent 'reviewer' gave output that does not match the task's JSON Schema after 3 attempts: $")
                .contains("verdict").endsWith(".");
        assertThat(result.output()).isNull();
        assertThat(model.unusedReplies()).isEqualTo(1);
        assertThatEvents(events(run)).hasTypesInOrder(StepStarted.class, StepFailed.class, RunFailed.class)
                .endsWithType(RunFailed.class).hasContiguousSequenceNumbers();
    }

    @Test
    void anEmptyAnswerIsAskedAgain() {
        ScriptedModel model = ScriptedModel.builder().agent("analyst", Reply.text(" "), Reply.text("3")).build();
        RunHandle run = orchestrator(model, TestTool.wordCount()).run(Agent.of(analyst), count);
        assertThat(await(run)).succeeded().hasOutput("3");
        assertThat(model.requests().get(1).lastUserText()).isEqualTo("Your reply was empty. Answer the task.");
    }

    @Test
    void afterItsToolRoundsTheAgentMustAnswerWithoutTools() {
        TestTool words = TestTool.wordCount();
        Persona limited = analyst.toBuilder().maxToolRounds(1).build();
        ScriptedModel model = ScriptedModel.builder().agent("analyst",
                Reply.toolCall("word_count", "{\"text\":\"a\"}"),
                Reply.toolCall("word_count", "{\"text\":\"b\"}"),
                Reply.text("1")).build();
        Orchestrator orchestrator = orchestrator(model, words);
        RunHandle run = orchestrator.run(orchestrator.agent(limited), count);

        assertThat(await(run)).succeeded().hasOutput("1");
        assertThat(words.calls).hasSize(1);
        ChatRequest last = model.requests().get(2).request();
        assertThat(last.toolSpecifications()).isNullOrEmpty();
        assertThat(lastToolResult(last)).startsWith("Not run: you have used all 1 tool rounds.");
    }

    @Test
    void anAgentThatKeepsCallingToolsAfterItsLimitFails() {
        Persona limited = analyst.toBuilder().maxToolRounds(1).build();
        ScriptedModel model = ScriptedModel.builder().agent("analyst",
                Reply.toolCall("word_count", "{\"text\":\"a\"}"),
                Reply.toolCall("word_count", "{\"text\":\"b\"}"),
                Reply.toolCall("word_count", "{\"text\":\"c\"}")).build();
        Orchestrator orchestrator = orchestrator(model, TestTool.wordCount());
        assertThat(await(orchestrator.run(orchestrator.agent(limited), count))).failed()
                .hasReasonContaining("Agent 'analyst' kept calling tools after its limit of 1 tool rounds was reached, instead of answering.");
    }

    @Test
    void anExhaustedScriptFailsTheRunNamingAgentAndTurn() {
        ScriptedModel model = ScriptedModel.builder().agent("analyst", Reply.toolCall("word_count", "{\"text\":\"a\"}")).build();
        Orchestrator orchestrator = orchestrator(model, TestTool.wordCount());
        RunResult result = await(orchestrator.run(orchestrator.agent(analyst), count));
        assertThat(result).failed();
        assertThat(result.reason()).isEqualTo("Model 'scripted:default' failed for agent 'analyst' at step 'count': "
                + "ScriptExhaustedException: ScriptedModel has no reply for agent 'analyst' turn 2: its script has 1 replies;"
                + " the last user message was: \"How many words are in 'a b c'?\"");
    }

    @Test
    void aFailingModelFailsTheRunWithTheProvidersMessage() {
        ScriptedModel model = ScriptedModel.of(Reply.fail(new IllegalStateException("401 Unauthorized: invalid API key")));
        RunResult result = await(orchestrator(model).run(Agent.of(analyst), count));
        assertThat(result).failed().hasReasonContaining("Model 'scripted:default' failed for agent 'analyst' at step 'count': IllegalStateException: 401 Unauthorized: invalid API key");
    }

    @Test
    void theTaskSeesOnlyTheContextItNames() {
        ScriptedModel model = ScriptedModel.of(Reply.text("ok"));
        Task summary = Task.builder("summary").description("Summarise the research.").context("research").build();
        RunHandle run = orchestrator(model).run(Agent.of(analyst), summary,
                RunOptions.DEFAULTS.withContext("research", "Reactor is fast.").withContext("unrelated", "SECRET"));
        assertThat(await(run)).succeeded();
        String prompt = model.requests().get(0).lastUserText();
        assertThat(prompt).isEqualTo("Summarise the research.\n\n## Context: research\nReactor is fast.");
        assertThat(prompt).doesNotContain("SECRET");
    }

    @Test
    void aMissingContextFailsTheStepClearly() {
        ScriptedModel model = ScriptedModel.of(Reply.text("ok"));
        Task summary = Task.builder("summary").description("Summarise.").context("research").build();
        RunResult result = await(orchestrator(model).run(Agent.of(analyst), summary));
        assertThat(result).failed().hasReasonContaining(
                "Task 'summary' takes context [research], but no earlier output has that name; available outputs: none.");
        assertThat(model.requests()).isEmpty();
    }

    @Test
    void aPersonaWithoutModelAndNoDefaultFailsSayingHowToConfigureOne() {
        ModelRegistry none = ModelRegistry.builder().model("scripted:x", ScriptedModel.of(Reply.text("x"))).build();
        Orchestrator orchestrator = Orchestrator.builder().models(none).runsDirectory(runs).build();
        RunResult result = await(orchestrator.run(Agent.of(analyst), count));
        assertThat(result).failed().hasReasonContaining("Persona 'analyst' names no model and no default model is configured");
    }

    @Test
    void fewShotExamplesAreEarlierTurnsAndAreJournaled() {
        Persona withExamples = analyst.toBuilder().example("How many words in 'x y'?", "2").build();
        ScriptedModel model = ScriptedModel.of(Reply.text("3"));
        RunHandle run = orchestrator(model).run(Agent.of(withExamples), count);
        assertThat(await(run)).succeeded();
        ChatRequest request = model.requests().get(0).request();
        assertThat(request.messages()).hasSize(4);
        assertThat(((UserMessage) request.messages().get(1)).singleText()).isEqualTo("How many words in 'x y'?");
        assertThat(((AiMessage) request.messages().get(2)).text()).isEqualTo("2");
        ModelRequested requested = events(run).stream().filter(ModelRequested.class::isInstance).map(ModelRequested.class::cast).findFirst().orElseThrow();
        assertThat(requested.newMessages()).extracting(RunEvent.PromptMessage::role).containsExactly("system", "user", "assistant", "user");
    }

    @Test
    void costComesFromThePriceTable() {
        ScriptedModel model = ScriptedModel.of(Reply.text("3").withUsage(1_000_000, 500_000));
        Orchestrator orchestrator = Orchestrator.builder().models(ModelRegistry.of("scripted:default", model))
                .prices(PriceTable.NONE.with("scripted:default", "0.40", "1.60")).runsDirectory(runs).build();
        RunHandle run = orchestrator.run(Agent.of(analyst), count);
        RunResult result = await(run);
        assertThat(result.usage().cost()).isEqualByComparingTo("1.2");
        ModelResponded responded = events(run).stream().filter(ModelResponded.class::isInstance).map(ModelResponded.class::cast).findFirst().orElseThrow();
        assertThat(responded.usage().cost()).isEqualByComparingTo("1.2");
    }

    @Test
    void aTakenRunIdIsRefused() {
        ScriptedModel model = ScriptedModel.of(Reply.text("1"), Reply.text("2"));
        Orchestrator orchestrator = orchestrator(model);
        await(orchestrator.run(Agent.of(analyst), count, RunOptions.DEFAULTS.withRunId("fixed-id")));
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> orchestrator.run(Agent.of(analyst), count, RunOptions.DEFAULTS.withRunId("fixed-id")))
                .hasMessageStartingWith("Run id 'fixed-id' is taken: its journal");
    }

    @Test
    void toolResultsAreDeliveredAsToolMessagesInCallOrder() {
        TestTool words = TestTool.wordCount();
        ScriptedModel model = ScriptedModel.builder().agent("analyst",
                Reply.toolCalls(
                        dev.langchain4j.agent.tool.ToolExecutionRequest.builder().id("a").name("word_count").arguments("{\"text\":\"one\"}").build(),
                        dev.langchain4j.agent.tool.ToolExecutionRequest.builder().id("b").name("word_count").arguments("{\"text\":\"one two\"}").build()),
                Reply.text("done")).build();
        Orchestrator orchestrator = orchestrator(model, words);
        assertThat(await(orchestrator.run(orchestrator.agent(analyst), count))).succeeded();
        List<ToolExecutionResultMessage> results = model.requests().get(1).request().messages().stream()
                .filter(ToolExecutionResultMessage.class::isInstance).map(ToolExecutionResultMessage.class::cast).toList();
        assertThat(results).extracting(ToolExecutionResultMessage::id).containsExactly("a", "b");
        assertThat(results).extracting(ToolExecutionResultMessage::text).containsExactly("1", "2");
    }

    static ToolResult ok(String text) {
        return ToolResult.ok(text);
    }
}
