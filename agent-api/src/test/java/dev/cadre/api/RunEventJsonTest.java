package dev.cadre.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class RunEventJsonTest {

    private final ObjectMapper mapper = CadreJson.mapper();

    @Test
    void everyEventTypeRoundTripsThroughJsonWithItsTypeTag() throws Exception {
        List<RunEvent> events = Events.oneOfEach("run-1");
        Set<Class<?>> covered = events.stream().map(Object::getClass).collect(Collectors.toSet());
        assertThat(covered).containsExactlyInAnyOrder(RunEvent.class.getPermittedSubclasses());

        for (RunEvent event : events) {
            String json = mapper.writeValueAsString(event);
            JsonNode tree = mapper.readTree(json);
            assertThat(tree.get("type").asText()).as(json).matches("[a-z_]+");
            assertThat(tree.get("runId").asText()).isEqualTo("run-1");
            assertThat(tree.get("seq").asLong()).isEqualTo(event.seq());
            assertThat(tree.get("timestamp").asText()).isEqualTo("2026-11-23T10:15:30.123456Z");
            assertThat(mapper.readValue(json, RunEvent.class)).as(json).isEqualTo(event);
        }
    }

    @Test
    void runStartedCarriesTheSchemaVersionAndAJournalWithoutOneReadsAsTheFirst() throws Exception {
        RunEvent.RunStarted now = new RunEvent.RunStarted("r", "", 1, java.time.Instant.EPOCH, "crew", Task.of("t", "Do it."));
        assertThat(now.schemaVersion()).isEqualTo(RunEvent.RunStarted.CURRENT_SCHEMA).isEqualTo(2);
        String json = mapper.writeValueAsString(now);
        assertThat(mapper.readTree(json).get("schemaVersion").asInt()).isEqualTo(2);
        assertThat(mapper.readValue(json, RunEvent.class)).isEqualTo(now);

        String old = "{\"type\":\"run_started\",\"runId\":\"r\",\"stepPath\":\"\",\"seq\":1,"
                + "\"timestamp\":\"1970-01-01T00:00:00Z\",\"crew\":\"crew\",\"task\":{\"id\":\"t\",\"description\":\"Do it.\"}}";
        RunEvent.RunStarted read = (RunEvent.RunStarted) mapper.readValue(old, RunEvent.class);
        assertThat(read.schemaVersion()).isEqualTo(RunEvent.RunStarted.FIRST_SCHEMA).isEqualTo(1);
        assertThat(((RunEvent.RunStarted) mapper.readValue(old.replace("}}", "},\"schemaVersion\":7}"), RunEvent.class))
                .schemaVersion()).isEqualTo(7);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new RunEvent.RunStarted("r", "", 1, java.time.Instant.EPOCH,
                "crew", Task.of("t", "Do it."), null, -1)).hasMessage("A run_started event has schemaVersion -1: it must be 1 or more.");
    }

    @Test
    void typeTagsAreTheDocumentedNames() throws Exception {
        List<String> tags = Events.oneOfEach("r").stream().map(e -> {
            try {
                return mapper.readTree(mapper.writeValueAsString(e)).get("type").asText();
            } catch (Exception ex) {
                throw new AssertionError(ex);
            }
        }).distinct().toList();
        assertThat(tags).contains("run_started", "run_finished", "run_failed", "run_cancelled", "step_started",
                "step_finished", "model_requested", "model_responded", "token_streamed", "tool_called", "tool_returned",
                "checkpoint_requested", "checkpoint_resolved", "budget_warning", "rate_limit_wait");
    }

    @Test
    void onlyTheThreeRunEndingEventsAreTerminalAndTheFlagIsNotSerialised() throws Exception {
        for (RunEvent event : Events.oneOfEach("r")) {
            boolean ends = event instanceof RunEvent.RunFinished || event instanceof RunEvent.RunFailed
                    || event instanceof RunEvent.RunCancelled;
            assertThat(event.isTerminal()).as(event.getClass().getSimpleName()).isEqualTo(ends);
            assertThat(mapper.readTree(mapper.writeValueAsString(event)).has("terminal")).isFalse();
        }
    }

    @Test
    void usageAddsUpAndKeepsCostExact() {
        Usage a = Usage.ofModelCall(100, 20, new java.math.BigDecimal("0.1"));
        Usage b = Usage.ofModelCall(50, 5, new java.math.BigDecimal("0.2")).plus(Usage.ofToolCall());
        Usage sum = a.plus(b);
        assertThat(sum.inputTokens()).isEqualTo(150);
        assertThat(sum.outputTokens()).isEqualTo(25);
        assertThat(sum.totalTokens()).isEqualTo(175);
        assertThat(sum.modelCalls()).isEqualTo(2);
        assertThat(sum.toolCalls()).isEqualTo(1);
        assertThat(sum.cost()).isEqualByComparingTo("0.3");
    }
}
