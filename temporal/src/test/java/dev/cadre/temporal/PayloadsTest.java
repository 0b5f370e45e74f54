package dev.cadre.temporal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cadre.api.Checkpoint;
import dev.cadre.api.Decision;
import dev.cadre.api.EventsAccess;
import dev.cadre.api.ModelRef;
import dev.cadre.api.RunEvent;
import dev.cadre.api.RunResult;
import dev.cadre.api.RunStatus;
import dev.cadre.api.Task;
import dev.cadre.api.ToolContext;
import dev.cadre.api.ToolResult;
import dev.cadre.api.Usage;
import dev.cadre.temporal.internal.CrewWorkflow;
import dev.cadre.temporal.internal.ChatJson;
import dev.cadre.temporal.internal.RunActivities;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonEnumSchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonRawSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.DataConverter;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Everything that crosses the workflow/activity boundary goes through {@link TemporalCadre#dataConverter()} (Cadre's
 * Jackson mapping) and comes back equal: every event kind, chat requests and responses, tool specifications, and the
 * workflow's and activities' own records.
 */
class PayloadsTest {

    private final DataConverter converter = TemporalCadre.dataConverter();

    private <T> T roundTrip(T value, Class<T> type) {
        return roundTrip(value, type, type);
    }

    private <T> T roundTrip(T value, Class<T> type, Type generic) {
        Payload payload = converter.toPayload(value).orElseThrow();
        assertThat(payload.getMetadataMap().get("encoding").toStringUtf8()).isEqualTo("json/plain");
        return converter.fromPayload(payload, type, generic);
    }

    @Test
    void everyEventKindComesBackEqual() {
        List<RunEvent> events = EventsAccess.oneOfEach("r1");
        assertThat(events.stream().map(Object::getClass).distinct()).as("one of each kind").hasSizeGreaterThanOrEqualTo(15);
        RunActivities.Events back = roundTrip(new RunActivities.Events(events), RunActivities.Events.class);
        assertThat(back.events()).isEqualTo(events);
        for (RunEvent event : events) {
            assertThat(roundTrip(event, RunEvent.class)).isEqualTo(event);
        }
    }

    static ToolSpecification spec() {
        return ToolSpecification.builder().name("write_file").description("Writes a file in the workspace")
                .parameters(JsonObjectSchema.builder().addStringProperty("path", "where").addIntegerProperty("mode")
                        .addProperty("lines", JsonArraySchema.builder().items(new JsonStringSchema()).build())
                        .addProperty("kind", JsonEnumSchema.builder().enumValues("a", "b").build())
                        .required("path").build())
                .build();
    }

    static ChatRequest request() {
        ToolExecutionRequest call = ToolExecutionRequest.builder().id("c1").name("write_file").arguments("{\"path\":\"a.txt\"}").build();
        return ChatRequest.builder()
                .messages(SystemMessage.from("You are the coder."), UserMessage.from("Write a.txt"),
                        AiMessage.from("On it.", List.of(call)), ToolExecutionResultMessage.from(call, "wrote a.txt"))
                .modelName("gpt-4.1-mini").temperature(0.0).topP(0.9).maxOutputTokens(500).stopSequences(List.of("END"))
                .toolSpecifications(spec()).toolChoice(ToolChoice.AUTO)
                .responseFormat(ResponseFormat.builder().type(ResponseFormatType.JSON)
                        .jsonSchema(JsonSchema.builder().name("output").rootElement(JsonRawSchema.from("{\"type\":\"object\"}")).build())
                        .build())
                .build();
    }

    @Test
    void chatRequestsWithToolsAndAJsonSchemaComeBackEqual() {
        ChatRequest request = request();
        ChatRequest back = roundTrip(request, ChatRequest.class);
        assertThat(back.messages()).isEqualTo(request.messages());
        assertThat(back.toolSpecifications()).isEqualTo(request.toolSpecifications());
        assertThat(back.responseFormat()).isEqualTo(request.responseFormat());
        assertThat(back).isEqualTo(request);
        ChatRequest plain = ChatRequest.builder().messages(UserMessage.from("hi")).build();
        assertThat(roundTrip(plain, ChatRequest.class)).isEqualTo(plain);
    }

    @Test
    void chatResponsesAndToolSpecificationsComeBackEqual() {
        ChatResponse response = ChatResponse.builder()
                .aiMessage(AiMessage.from("calling", List.of(ToolExecutionRequest.builder().id("c2").name("t").arguments("{}").build())))
                .id("resp-1").modelName("m").tokenUsage(new TokenUsage(12, 34)).finishReason(FinishReason.TOOL_EXECUTION).build();
        assertThat(roundTrip(response, ChatResponse.class)).isEqualTo(response);
        ChatResponse bare = ChatResponse.builder().aiMessage(AiMessage.from("done")).build();
        assertThat(roundTrip(bare, ChatResponse.class)).isEqualTo(bare);
        assertThat(roundTrip(spec(), ToolSpecification.class)).isEqualTo(spec());
        ToolSpecification noParameters = ToolSpecification.builder().name("now").build();
        assertThat(roundTrip(noParameters, ToolSpecification.class)).isEqualTo(noParameters);
    }

    @Test
    void theWorkflowsAndActivitiesRecordsComeBackEqual() throws Exception {
        Task task = Task.of("job", "Ship it.");
        CrewWorkflow.Start start = new CrewWorkflow.Start("r1", "coder-reviewer", task, Map.of("spec", "text"), 2, true, "host-a");
        assertThat(roundTrip(start, CrewWorkflow.Start.class)).isEqualTo(start);
        RunActivities.ModelCall call = new RunActivities.ModelCall("r1", "job/code", "coder", 2, ModelRef.parse("openai:gpt-4.1-mini"), request());
        assertThat(roundTrip(call, RunActivities.ModelCall.class)).isEqualTo(call);
        CrewWorkflow.Start streaming = new CrewWorkflow.Start("r1", "coder-reviewer", task, Map.of(), 2, false, null, null, true);
        assertThat(roundTrip(streaming, CrewWorkflow.Start.class)).isEqualTo(streaming);
        RunActivities.ModelCall streamed = new RunActivities.ModelCall("r1", "job/code", "coder", 2, ModelRef.parse("openai:gpt-4.1-mini"),
                null, "sha256:abc", true);
        assertThat(roundTrip(streamed, RunActivities.ModelCall.class)).isEqualTo(streamed);
        assertThat(ChatJson.mapper().readValue("{\"runId\":\"r1\",\"stepPath\":\"s\",\"agent\":\"a\",\"turn\":1,\"requestRef\":\"x\"}",
                RunActivities.ModelCall.class).stream()).as("a call recorded before streaming does not stream").isFalse();
        RunActivities.ToolCall tool = new RunActivities.ToolCall("write_file",
                JsonNodeFactory.instance.objectNode().put("path", "a.txt"), new ToolContext("r1", "job/code", "coder", "c1"), true);
        assertThat(roundTrip(tool, RunActivities.ToolCall.class)).isEqualTo(tool);
        ToolResult result = ToolResult.json(JsonNodeFactory.instance.objectNode().put("ok", true));
        assertThat(roundTrip(result, ToolResult.class)).isEqualTo(result);
        Decision decision = Decision.edit("better text", "alice");
        assertThat(roundTrip(decision, Decision.class)).isEqualTo(decision);
        RunResult run = new RunResult("r1", RunStatus.SUCCEEDED, "out", Map.of("a", "1"), new Usage(1, 2, 3, 4, null, 0, 0), null,
                Duration.ofSeconds(3), Map.of("loop", "converged"));
        assertThat(roundTrip(run, RunResult.class)).isEqualTo(run);
        Checkpoint checkpoint = ((RunEvent.CheckpointRequested) EventsAccess.oneOfEach("r1").stream()
                .filter(RunEvent.CheckpointRequested.class::isInstance).findFirst().orElseThrow()).checkpoint();
        assertThat(roundTrip(checkpoint, Checkpoint.class)).isEqualTo(checkpoint);
    }
}
