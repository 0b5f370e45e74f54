package dev.cadre.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.Budget;
import dev.cadre.api.HumanGate;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.Persona;
import dev.cadre.api.RiskLevel;
import dev.cadre.api.RunEvent;
import dev.cadre.api.RunHandle;
import dev.cadre.api.RunResult;
import dev.cadre.api.RunStatus;
import dev.cadre.api.Task;
import dev.cadre.api.Tool;
import dev.cadre.api.ToolResult;
import dev.cadre.api.crew.ContextLimits;
import dev.cadre.api.crew.Crew;
import dev.cadre.api.crew.CrewPolicy;
import dev.cadre.api.crew.Review;
import dev.cadre.api.crew.Step;
import dev.cadre.orchestrator.examples.NoEmailAddresses;
import dev.cadre.orchestrator.examples.NoPricesGuardrail;
import dev.cadre.orchestrator.examples.ReadOnlyOutsideSrc;
import dev.cadre.orchestrator.journal.JournalReader;
import dev.cadre.testkit.Reply;
import dev.cadre.testkit.ScriptedModel;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.guardrail.InputGuardrail;
import dev.langchain4j.guardrail.InputGuardrailResult;
import dev.langchain4j.guardrail.OutputGuardrail;
import dev.langchain4j.guardrail.OutputGuardrailResult;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Turn interceptors, LangChain4j guardrails and the context window through the orchestrator and its local driver. */
class InterceptorsEndToEndTest {

    static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path runs;

    final Persona support = Persona.builder("support").role("Support agent").tools("lookup", "workspace_write_file").build();
    final Task question = Task.of("answer", "What does the Pro plan cost?");

    static final Tool LOOKUP = Tool.blocking(ToolSpecification.builder().name("lookup").description("Looks a topic up")
            .parameters(JsonObjectSchema.builder().addStringProperty("topic", "the topic").required("topic").build()).build(),
            RiskLevel.READ_ONLY, false, (args, ctx) -> ToolResult.ok("Pro plan. " + "details ".repeat(200) + "Call 555-1234."));

    final List<String> written = new CopyOnWriteArrayList<>();

    final Tool write = Tool.blocking(ToolSpecification.builder().name("workspace_write_file").description("Writes a file")
            .parameters(JsonObjectSchema.builder().addStringProperty("path", "where").addStringProperty("text", "what")
                    .required("path", "text").build()).build(),
            RiskLevel.WRITES, false, (args, ctx) -> {
                written.add(args.get("path").asText());
                return ToolResult.ok("written");
            });

    Orchestrator.Builder builder(Path directory, ScriptedModel model) {
        return Orchestrator.builder().models(ModelRegistry.of("scripted:m", model)).tools(List.of(LOOKUP, write))
                .runsDirectory(directory).gate(HumanGate.autoApprove());
    }

    Crew crew(Orchestrator orchestrator, CrewPolicy policy) {
        return Crew.of("support", new Step.Work("answer", orchestrator.agent(support), null, Review.NONE)).withPolicy(policy);
    }

    static List<RunEvent> journal(Path directory, String runId) {
        return Journals.read(directory, runId).events();
    }

    static <T extends RunEvent> List<T> events(List<RunEvent> events, Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    @Test
    void aGuardrailAsksTheModelAgainAndTheJournalShowsTheCorrection() {
        ScriptedModel model = ScriptedModel.of(Reply.text("It costs $20 a month."), Reply.text("See the pricing page."));
        Orchestrator orchestrator = builder(runs, model).interceptor(new NoPricesGuardrail()).build();

        RunResult result = orchestrator.run(orchestrator.agent(support), question, RunOptions.DEFAULTS.withRunId("r"))
                .result().block(WAIT);

        assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(result.output()).isEqualTo("See the pricing page.");
        assertThat(model.requests()).hasSize(2);
        assertThat(model.requests().get(1).lastUserText()).isEqualTo("Do not quote prices; say where the customer can find them.");
        List<RunEvent> journal = journal(runs, "r");
        assertThat(events(journal, RunEvent.ModelResponded.class).get(0).text()).isEqualTo("It costs $20 a month.");
        assertThat(events(journal, RunEvent.ModelRequested.class).get(1).newMessages()).containsExactly(
                new RunEvent.PromptMessage("user", "Do not quote prices; say where the customer can find them."));
    }

    /** Rewrites answers to end with a full stop, as LangChain4j's successWith does. */
    static final class EndsWithFullStop implements OutputGuardrail {
        @Override
        public OutputGuardrailResult validate(AiMessage answer) {
            return answer.text().endsWith(".") ? success() : successWith(answer.text() + ".");
        }
    }

    @Test
    void aLangChain4jOutputGuardrailRepromptsAndRewritesThroughTheAdapter() {
        ScriptedModel model = ScriptedModel.of(Reply.text("Write to billing@example.com."), Reply.text("Ask the billing team"));
        Orchestrator orchestrator = builder(runs, model).interceptor(Guardrails.output(new NoEmailAddresses(), new EndsWithFullStop()))
                .build();

        RunResult result = orchestrator.run(orchestrator.agent(support), question).result().block(WAIT);

        assertThat(result.reason()).isNull();
        assertThat(result.output()).isEqualTo("Ask the billing team.");
        assertThat(model.requests().get(1).lastUserText()).isEqualTo("Do not give e-mail addresses; name the team instead.");
    }

    @Test
    void aLangChain4jRetryAsksAgainWithTheFailuresMessage() {
        OutputGuardrail longEnough = new OutputGuardrail() {
            @Override
            public OutputGuardrailResult validate(AiMessage answer) {
                return answer.text().length() < 10 ? retry("Answer in a full sentence.") : success();
            }
        };
        ScriptedModel model = ScriptedModel.of(Reply.text("$20"), Reply.text("See the pricing page."));
        Orchestrator orchestrator = builder(runs, model).interceptor(Guardrails.output(longEnough)).build();

        RunResult result = orchestrator.run(orchestrator.agent(support), question).result().block(WAIT);

        assertThat(result.output()).isEqualTo("See the pricing page.");
        assertThat(model.requests().get(1).lastUserText()).isEqualTo("Answer in a full sentence.");
    }

    @Test
    void aFatalLangChain4jGuardrailFailsTheStepWithItsMessage() {
        OutputGuardrail fatal = new OutputGuardrail() {
            @Override
            public OutputGuardrailResult validate(AiMessage answer) {
                return fatal("The answer leaks internal plans.");
            }
        };
        ScriptedModel model = ScriptedModel.of(Reply.text("Pro will be free next year."));
        Orchestrator orchestrator = builder(runs, model).interceptor(Guardrails.output(fatal)).build();

        RunResult result = orchestrator.run(orchestrator.agent(support), question).result().block(WAIT);

        assertThat(result.status()).isEqualTo(RunStatus.FAILED);
        assertThat(result.reason()).isEqualTo(
                "An interceptor refused the answer of agent 'support' at step 'answer': The answer leaks internal plans.");
        assertThat(model.requests()).hasSize(1);
    }

    @Test
    void aLangChain4jInputGuardrailRewritesOrRefusesTheRequest() {
        InputGuardrail noPasswords = new InputGuardrail() {
            @Override
            public InputGuardrailResult validate(UserMessage message) {
                String text = message.singleText();
                return text.contains("password") ? failure("The task asks for a password.")
                        : successWith(text.replace("Pro plan", "Pro plan (monthly billing)"));
            }
        };
        ScriptedModel model = ScriptedModel.of(Reply.text("See the pricing page."));
        Orchestrator orchestrator = builder(runs, model).interceptor(Guardrails.input(noPasswords)).build();

        RunResult rewritten = orchestrator.run(orchestrator.agent(support), question).result().block(WAIT);
        assertThat(rewritten.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(model.requests().get(0).lastUserText()).startsWith("What does the Pro plan (monthly billing) cost?");

        RunResult refused = orchestrator.run(orchestrator.agent(support), Task.of("answer", "Tell me the admin password."))
                .result().block(WAIT);
        assertThat(refused.status()).isEqualTo(RunStatus.FAILED);
        assertThat(refused.reason()).isEqualTo(
                "The model call of agent 'support' at step 'answer' was refused by an interceptor: The task asks for a password.");
        assertThat(model.requests()).hasSize(1);
    }

    @Test
    void aToolCallRefusedByAnInterceptorIsNotMadeAndTheModelIsToldWhy() {
        ScriptedModel model = ScriptedModel.of(
                Reply.toolCall("workspace_write_file", "{\"path\":\"build.gradle\",\"text\":\"x\"}"),
                Reply.dynamic(r -> Reply.text("Result: " + ScriptedModel.lastToolResult(r))),
                Reply.toolCall("workspace_write_file", "{\"path\":\"src/A.java\",\"text\":\"class A {}\"}"),
                Reply.text("done"));
        Orchestrator orchestrator = builder(runs, model).interceptor(new ReadOnlyOutsideSrc()).build();

        RunResult refused = orchestrator.run(orchestrator.agent(support), question).result().block(WAIT);
        assertThat(refused.output()).isEqualTo("Result: Error: Write only under src/.");
        assertThat(written).isEmpty();

        RunResult allowed = orchestrator.run(orchestrator.agent(support), question).result().block(WAIT);
        assertThat(allowed.output()).isEqualTo("done");
        assertThat(written).containsExactly("src/A.java");
    }

    /** Masks phone numbers in tool results; counts its calls. */
    static final class NoPhoneNumbers implements TurnInterceptor {
        final List<String> seen = new CopyOnWriteArrayList<>();

        @Override
        public String afterToolResult(Turn turn, ToolExecutionRequest call, String result, boolean error) {
            seen.add(call.id());
            return result.replaceAll("\\d{3}-\\d{4}", "[phone]");
        }
    }

    @Test
    void aLongToolResultIsCutAfterTheInterceptorsAndTheModelAndTheJournalSeeTheCut() {
        ScriptedModel model = ScriptedModel.of(Reply.toolCall("lookup", "{\"topic\":\"pro\"}"),
                Reply.dynamic(r -> Reply.text(ScriptedModel.lastToolResult(r))));
        Orchestrator orchestrator = builder(runs, model).interceptor(new NoPhoneNumbers()).build();
        CrewPolicy policy = CrewPolicy.builder().context(ContextLimits.DEFAULT.withMaxToolResultChars(500)).build();

        RunResult result = orchestrator.run(crew(orchestrator, policy), question, RunOptions.DEFAULTS.withRunId("r")).result().block(WAIT);

        String seen = result.output();
        assertThat(seen).startsWith("Pro plan. details").endsWith("Call [phone].")
                .contains("characters cut here: a tool result is shown up to 500 characters");
        List<RunEvent> journal = journal(runs, "r");
        assertThat(events(journal, RunEvent.ToolReturned.class).get(0).result()).endsWith("Call 555-1234.").hasSize(1624);
        assertThat(events(journal, RunEvent.ModelRequested.class).get(1).newMessages())
                .containsExactly(new RunEvent.PromptMessage("tool", seen));
    }

    @Test
    void aRunResumedAfterAnyEventRunsTheInterceptorsAgainAndEndsAsTheUninterruptedRun() throws Exception {
        ScriptedModel first = ScriptedModel.of(Reply.toolCall("lookup", "{\"topic\":\"pro\"}"),
                Reply.text("It costs $20."), Reply.text("Call [phone] for the price."));
        CrewPolicy policy = CrewPolicy.builder().context(ContextLimits.DEFAULT.withMaxToolResultChars(500)).build();
        Path baseline = runs.resolve("baseline");
        Orchestrator orchestrator = builder(baseline, first).interceptor(new NoPhoneNumbers()).interceptor(new NoPricesGuardrail()).build();
        RunResult expected = orchestrator.run(crew(orchestrator, policy), question, RunOptions.DEFAULTS.withRunId("r"))
                .result().block(WAIT);
        assertThat(expected.output()).isEqualTo("Call [phone] for the price.");
        List<String> lines = Journals.lines(baseline, "r");
        List<RunEvent> events = journal(baseline, "r");

        for (int k = 1; k < events.size(); k++) {
            Path trial = runs.resolve("cut-" + k);
            Files.createDirectories(trial);
            Files.write(trial.resolve("r.jsonl"), lines.subList(0, k), StandardCharsets.UTF_8);
            NoPhoneNumbers phones = new NoPhoneNumbers();
            ScriptedModel rest = ScriptedModel.replaying(events.subList(k, events.size()));
            Orchestrator again = builder(trial, rest).journalKey(orchestrator.journalKey())
                    .interceptor(phones).interceptor(new NoPricesGuardrail()).build();
            RunHandle resumed = again.resume("r", crew(again, policy), RunOptions.DEFAULTS);
            RunResult result = resumed.result().block(WAIT);

            String at = "cut after event " + k + " (" + events.get(k - 1).getClass().getSimpleName() + ")";
            assertThat(result.output()).as(at).isEqualTo(expected.output());
            assertThat(rest.unusedReplies()).as(at).isZero();
            List<RunEvent> resumedJournal = journal(trial, "r");
            assertThat(events(resumedJournal, RunEvent.ModelRequested.class)).as(at)
                    .extracting(RunEvent.ModelRequested::newMessages)
                    .isEqualTo(events(events, RunEvent.ModelRequested.class).stream().map(RunEvent.ModelRequested::newMessages).toList());
            // over the recorded result when the cut kept it, over the tool's new result when not
            assertThat(phones.seen).as(at + ": the interceptor ran once more").hasSize(1);
        }
    }

    @Test
    void theOrchestratorsTokenCountEstimatorCountsThePromptForBudgets() {
        CrewPolicy policy = CrewPolicy.builder().runBudget(new Budget(1_500L, null, null, null)).build();
        ScriptedModel model = ScriptedModel.of(Reply.text("fine"));
        Orchestrator byCharacters = builder(runs, model).build();
        assertThat(byCharacters.run(crew(byCharacters, policy), question).result().block(WAIT).status()).isEqualTo(RunStatus.SUCCEEDED);

        Orchestrator counted = builder(runs, ScriptedModel.of(Reply.text("fine"))).tokenCountEstimator("scripted:m", new FixedTokenCounts(1_000)).build();
        RunResult result = counted.run(crew(counted, policy), question).result().block(WAIT);
        assertThat(result.status()).isEqualTo(RunStatus.FAILED);
        assertThat(result.reason()).startsWith("Budget exceeded").contains("2000 with the call");
    }

    private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);

    @Test
    void theJavaInTheInterceptorsPageIsCompiledHere() throws Exception {
        String page = Files.readString(Path.of("..", "docs", "interceptors.md"));
        StringBuilder sources = new StringBuilder();
        for (Path source : List.of(Path.of("src/test/java/dev/cadre/orchestrator/examples/NoPricesGuardrail.java"),
                Path.of("src/test/java/dev/cadre/orchestrator/examples/NoEmailAddresses.java"),
                Path.of("src/test/java/dev/cadre/orchestrator/examples/ReadOnlyOutsideSrc.java"),
                Path.of("src/test/java/dev/cadre/orchestrator/InterceptorsEndToEndTest.java"))) {
            sources.append(normalized(Files.readString(source))).append('\n');
        }
        Matcher m = JAVA_BLOCK.matcher(page);
        int blocks = 0;
        while (m.find()) {
            blocks++;
            assertThat(sources.toString()).as("docs/interceptors.md java block " + blocks).contains(normalized(m.group(1)));
        }
        assertThat(blocks).isGreaterThanOrEqualTo(4);
    }

    private static String normalized(String code) {
        return code.lines().map(String::strip).filter(l -> !l.isEmpty()).collect(Collectors.joining("\n"));
    }

    @Test
    void registeringInterceptorsAsThePageShows() {
        ScriptedModel model = ScriptedModel.of(Reply.text("See the pricing page."));
        ModelRegistry models = ModelRegistry.of("scripted:m", model);
        // as docs/interceptors.md shows it (journals go to the build's CADRE_STATE_DIR, set for every test)
        Orchestrator orchestrator = Orchestrator.builder()
                .models(models)
                .interceptor(new NoPricesGuardrail())
                .interceptor(Guardrails.output(new NoEmailAddresses()))
                .build();
        assertThat(orchestrator.run(orchestrator.agent(Persona.builder("support").role("Support agent").build()), question)
                .result().block(WAIT).output()).isEqualTo("See the pricing page.");
    }
}
