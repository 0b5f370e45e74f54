package dev.cadre.orchestrator.internal.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.Agent;
import dev.cadre.api.Persona;
import dev.cadre.api.RiskLevel;
import dev.cadre.api.RunEvent;
import dev.cadre.api.RunStatus;
import dev.cadre.api.Task;
import dev.cadre.api.Tool;
import dev.cadre.api.ToolResult;
import dev.cadre.api.crew.Crew;
import dev.cadre.api.crew.Review;
import dev.cadre.api.crew.Step;
import dev.cadre.orchestrator.TurnInterceptor;
import dev.cadre.orchestrator.internal.RecordedRun;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The users' turn interceptors against the core alone: where each one runs, what it may change, what is journaled. */
class TurnInterceptorsTest {

    static final Tool LOOKUP = Tool.blocking(ToolSpecification.builder().name("lookup").description("Looks a word up")
            .parameters(JsonObjectSchema.builder().addStringProperty("word", "the word").required("word").build()).build(),
            RiskLevel.READ_ONLY, false, (args, ctx) -> ToolResult.ok("unused: the harness answers"));

    static final Crew CREW = Crew.of("solo", new Step.Work("write", new Agent(Persona.builder("writer").role("Writer")
            .tools("lookup").build(), List.of(LOOKUP)), Task.of("write", "Write a slogan."), Review.NONE));

    static CoreHarness start(TurnInterceptor... interceptors) {
        return CoreHarness.start(CREW, Task.of("t", "Write."), RecordedRun.empty(), List.of(interceptors), Map.of());
    }

    /** Refuses answers that mention a price, twice at most in its own words; counts its calls. */
    static final class NoPrices implements TurnInterceptor {
        final AtomicInteger answers = new AtomicInteger();

        @Override
        public Answer afterModelAnswer(Turn turn, String answer) {
            answers.incrementAndGet();
            return answer.contains("$") ? Answer.retry("Do not mention prices.") : Answer.accept();
        }
    }

    @Test
    void beforeModelRequestChangesWhatIsSentAndTheJournalShowsThePromptAsSent() {
        List<TurnInterceptor.Turn> seen = new ArrayList<>();
        CoreHarness h = start(new TurnInterceptor() {
            @Override
            public Request beforeModelRequest(Turn turn, List<ChatMessage> messages) {
                seen.add(turn);
                List<ChatMessage> changed = new ArrayList<>(messages);
                changed.set(0, SystemMessage.from(((SystemMessage) messages.get(0)).text() + "\nAlways answer in French."));
                return Request.send(changed);
            }
        });
        Command.CallModel call = h.nextModel();
        assertThat(((SystemMessage) call.request().messages().get(0)).text()).endsWith("Always answer in French.");
        h.answer(call, "Penser plus vite.");

        assertThat(h.end.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(seen).containsExactly(new TurnInterceptor.Turn("run-1", "write", "writer", 1, "scripted:m"));
        RunEvent.ModelRequested requested = h.events(RunEvent.ModelRequested.class).get(0);
        assertThat(requested.newMessages().get(0).role()).isEqualTo("system");
        assertThat(requested.newMessages().get(0).text()).endsWith("Always answer in French.");
    }

    @Test
    void aRefusedModelRequestFailsTheStepWithTheReasonAndNoModelIsCalled() {
        CoreHarness h = start(new TurnInterceptor() {
            @Override
            public Request beforeModelRequest(Turn turn, List<ChatMessage> messages) {
                return Request.refuse("the task names a competitor");
            }
        });
        assertThat(h.modelCalls).isEmpty();
        assertThat(h.events(RunEvent.ModelRequested.class)).isEmpty();
        assertThat(h.end.status()).isEqualTo(RunStatus.FAILED);
        assertThat(h.end.reason()).isEqualTo(
                "The model call of agent 'writer' at step 'write' was refused by an interceptor: the task names a competitor");
        assertThat(h.kinds()).endsWith("step_failed write");
    }

    @Test
    void aRetriedAnswerAsksTheModelAgainWithTheCorrectionAndCountsAgainstTheOutputRetries() {
        NoPrices guard = new NoPrices();
        CoreHarness h = start(guard);
        h.answer(h.nextModel(), "Only $5!");
        Command.CallModel second = h.nextModel();
        List<ChatMessage> messages = second.request().messages();
        assertThat(((UserMessage) messages.get(messages.size() - 1)).singleText()).isEqualTo("Do not mention prices.");
        h.answer(second, "Think faster.");

        assertThat(h.end.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(h.end.output()).isEqualTo("Think faster.");
        assertThat(guard.answers).hasValue(2);
        // the correction is journaled as the next request's new message
        assertThat(h.events(RunEvent.ModelRequested.class).get(1).newMessages())
                .containsExactly(new RunEvent.PromptMessage("user", "Do not mention prices."));
    }

    @Test
    void anAnswerRefusedMoreOftenThanTheOutputRetriesAllowFailsTheStep() {
        CoreHarness h = start(new NoPrices());
        for (int i = 0; i < 3; i++) {
            h.answer(h.nextModel(), "Only $" + i + "!");
        }
        assertThat(h.modelCalls).isEmpty();
        assertThat(h.end.status()).isEqualTo(RunStatus.FAILED);
        assertThat(h.end.reason()).isEqualTo("Agent 'writer' gave an answer an interceptor refused 3 times: Do not mention prices.");
    }

    @Test
    void aReplacedAnswerIsTheOutputWhileTheJournalKeepsWhatTheModelSaid() {
        CoreHarness h = start(new TurnInterceptor() {
            @Override
            public Answer afterModelAnswer(Turn turn, String answer) {
                return Answer.replace(answer.replace("ACME", "[competitor]"));
            }
        }, new TurnInterceptor() {
            @Override
            public Answer afterModelAnswer(Turn turn, String answer) {
                // the second interceptor sees the first one's replacement
                return answer.contains("ACME") ? Answer.fail("not redacted") : Answer.replace(answer.toUpperCase());
            }
        });
        h.answer(h.nextModel(), "Better than ACME.");

        assertThat(h.end.output()).isEqualTo("BETTER THAN [COMPETITOR].");
        assertThat(h.events(RunEvent.ModelResponded.class).get(0).text()).isEqualTo("Better than ACME.");
        assertThat(h.events(RunEvent.StepFinished.class).get(0).output()).isEqualTo("BETTER THAN [COMPETITOR].");
    }

    @Test
    void aFailedAnswerFailsTheStepAtOnce() {
        CoreHarness h = start(new TurnInterceptor() {
            @Override
            public Answer afterModelAnswer(Turn turn, String answer) {
                return Answer.fail("it promises a refund");
            }
        });
        h.answer(h.nextModel(), "Refunds for all.");
        assertThat(h.modelCalls).isEmpty();
        assertThat(h.end.reason()).isEqualTo("An interceptor refused the answer of agent 'writer' at step 'write': it promises a refund");
    }

    @Test
    void aRefusedToolCallIsNotMadeAndTheModelSeesTheRefusalAsTheCallsError() {
        CoreHarness h = start(new TurnInterceptor() {
            @Override
            public ToolCall beforeToolCall(Turn turn, ToolExecutionRequest call) {
                return call.arguments().contains("secret") ? ToolCall.refuse("Looking up that word is not allowed.") : ToolCall.allow();
            }
        });
        h.callTools(h.nextModel(), "lookup", "{\"word\":\"secret\"}");
        assertThat(h.toolCalls).isEmpty();
        Command.CallModel next = h.nextModel();
        ToolExecutionResultMessage result = (ToolExecutionResultMessage) next.request().messages().get(next.request().messages().size() - 1);
        assertThat(result.text()).isEqualTo("Error: Looking up that word is not allowed.");
        RunEvent.ToolReturned returned = h.events(RunEvent.ToolReturned.class).get(0);
        assertThat(returned.error()).isTrue();
        assertThat(returned.result()).isEqualTo("Looking up that word is not allowed.");
        // the model saw what tool_returned holds: nothing more is journaled with the next request
        assertThat(h.events(RunEvent.ModelRequested.class).get(1).newMessages()).isEmpty();
    }

    @Test
    void aChangedToolResultIsWhatTheModelSeesAndTheNextRequestJournalsIt() {
        CoreHarness h = start(new TurnInterceptor() {
            @Override
            public String afterToolResult(Turn turn, ToolExecutionRequest call, String result, boolean error) {
                return result.replaceAll("\\d{3}-\\d{4}", "[phone]");
            }
        });
        h.callTools(h.nextModel(), "lookup", "{\"word\":\"acme\"}");
        h.toolDone(h.tool("lookup"), "ACME, call 555-1234");
        Command.CallModel next = h.nextModel();
        ToolExecutionResultMessage result = (ToolExecutionResultMessage) next.request().messages().get(next.request().messages().size() - 1);
        assertThat(result.text()).isEqualTo("ACME, call [phone]");
        assertThat(h.events(RunEvent.ToolReturned.class).get(0).result()).isEqualTo("ACME, call 555-1234");
        assertThat(h.events(RunEvent.ModelRequested.class).get(1).newMessages())
                .containsExactly(new RunEvent.PromptMessage("tool", "ACME, call [phone]"));
    }

    @Test
    void anInterceptorThatThrowsFailsTheStepNamingIt() {
        CoreHarness h = start(new Exploding());
        h.callTools(h.nextModel(), "lookup", "{\"word\":\"x\"}");
        assertThat(h.end.status()).isEqualTo(RunStatus.FAILED);
        assertThat(h.end.reason()).isEqualTo("Interceptor " + Exploding.class.getName()
                + " failed in beforeToolCall at step 'write': no network here");
    }

    static final class Exploding implements TurnInterceptor {
        @Override
        public ToolCall beforeToolCall(Turn turn, ToolExecutionRequest call) {
            throw new IllegalStateException("no network here");
        }
    }

    @Test
    void onResumeInterceptorsRunAgainOverTheRecordedAnswersAndTheRunEndsTheSame() {
        NoPrices guard = new NoPrices();
        CoreHarness first = start(guard);
        first.answer(first.nextModel(), "Only $5!");
        first.answer(first.nextModel(), "Think faster.");
        List<RunEvent> journal = first.events;
        // cut the journal after the second answer: the step's end is not journaled yet
        int cut = journal.indexOf(first.events(RunEvent.ModelResponded.class).get(1)) + 1;

        NoPrices again = new NoPrices();
        CoreHarness resumed = CoreHarness.start(CREW, Task.of("t", "Write."), RecordedRun.of(journal.subList(0, cut)),
                List.of(again), Map.of());
        assertThat(resumed.modelCalls).isEmpty();
        assertThat(again.answers).hasValue(2);
        assertThat(resumed.end.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(resumed.end.output()).isEqualTo("Think faster.");
        assertThat(resumed.kinds()).isEqualTo(first.kinds());
    }
}
