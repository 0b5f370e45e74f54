package dev.cadre.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.ToolSpecification;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

class PersonaTest {

    private final ObjectMapper mapper = CadreJson.mapper();

    static Tool tool(String name) {
        return new Tool() {
            public ToolSpecification specification() { return ToolSpecification.builder().name(name).description(name).build(); }
            public Mono<ToolResult> invoke(com.fasterxml.jackson.databind.JsonNode a, ToolContext c) { return Mono.just(ToolResult.ok("ok")); }
            public RiskLevel risk() { return RiskLevel.READ_ONLY; }
            public boolean idempotent() { return true; }
        };
    }

    @Test
    void personaRoundTripsThroughJsonWithDefaults() throws Exception {
        Persona persona = Persona.builder("coder").role("Senior Java developer").goal("Make the tests pass")
                .backstory("Ten years of Spring.").instructions("Small diffs.").example("Fix NPE", "Added a null check.")
                .model("openai:gpt-4.1-mini").temperature(0.0).tools("workspace_*", "run_tests").maxToolRounds(5)
                .expectedOutput("A summary of the change")
                .outputSchema(mapper.readTree("{\"type\":\"object\",\"required\":[\"summary\"]}"))
                .build();
        String json = mapper.writeValueAsString(persona);
        assertThat(mapper.readValue(json, Persona.class)).isEqualTo(persona);

        Persona minimal = mapper.readValue("{\"id\":\"judge\",\"role\":\"Judge\"}", Persona.class);
        assertThat(minimal.maxToolRounds()).isEqualTo(Persona.DEFAULT_MAX_TOOL_ROUNDS);
        assertThat(minimal.tools()).isEmpty();
        assertThat(minimal.examples()).isEmpty();
        assertThat(minimal.output()).isEqualTo(OutputContract.NONE);
    }

    @Test
    void invalidPersonasAreRefusedWithOneClearSentence() {
        assertThatThrownBy(() -> Persona.builder("bad id").role("x").build())
                .hasMessage("Persona id 'bad id' is invalid: use 1 to 64 letters, digits, '_' or '-', starting with a letter or digit.");
        assertThatThrownBy(() -> Persona.builder("coder").build())
                .hasMessage("Persona 'coder' has no role: every persona needs one.");
        assertThatThrownBy(() -> Persona.builder("coder").role("r").temperature(3.0).build())
                .hasMessageContaining("temperature 3.0: it must be between 0 and 2");
        assertThatThrownBy(() -> Persona.builder("coder").role("r").model("gpt-4o").build())
                .hasMessage("Model reference 'gpt-4o' must look like 'provider:model', e.g. 'openai:gpt-4.1-mini' or 'ollama:qwen2.5-coder'.");
        assertThatThrownBy(() -> Persona.builder("coder").role("r").maxToolRounds(-1).build())
                .hasMessageContaining("maxToolRounds -1");
    }

    @Test
    void toolGlobsResolveAgainstAvailableTools() {
        List<Tool> available = List.of(tool("workspace_read"), tool("workspace_write"), tool("run_tests"), tool("git_diff"));
        Persona persona = Persona.builder("coder").role("Coder").tools("workspace_*", "run_tests").build();
        Agent agent = Agent.resolve(persona, available);
        assertThat(agent.tools()).extracting(Tool::name).containsExactly("workspace_read", "workspace_write", "run_tests");
        assertThat(persona.allowsTool("workspace_write")).isTrue();
        assertThat(persona.allowsTool("git_diff")).isFalse();
    }

    @Test
    void unknownToolsAndEmptyGlobsListWhatIsAvailable() {
        List<Tool> available = List.of(tool("workspace_read"), tool("run_tests"));
        assertThatThrownBy(() -> Agent.resolve(Persona.builder("coder").role("C").tools("shell").build(), available))
                .hasMessage("Persona 'coder' names tool 'shell', which does not exist; available tools: run_tests, workspace_read.");
        assertThatThrownBy(() -> Agent.resolve(Persona.builder("coder").role("C").tools("git_*").build(), available))
                .hasMessage("Persona 'coder' names tool pattern 'git_*', which matches no tool; available tools: run_tests, workspace_read.");
    }

    @Test
    void toolNamesMustBeAcceptableToProviders() {
        assertThat(Tool.requireValidName("workspace__read-file")).isEqualTo("workspace__read-file");
        assertThatThrownBy(() -> Tool.requireValidName("workspace.read"))
                .hasMessageContaining("Tool name 'workspace.read' is invalid");
        assertThatThrownBy(() -> Tool.requireValidName("x".repeat(65))).hasMessageContaining("is invalid");
        assertThatThrownBy(() -> Agent.of(Persona.builder("a").role("r").build()).tools().add(tool("x")))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> new Agent(Persona.builder("a").role("r").build(), List.of(tool("x"), tool("x"))))
                .hasMessage("Agent 'a' has two tools named 'x'.");
    }

    @Test
    void taskFillsItsVariablesAndRoundTrips() throws Exception {
        Task task = Task.builder("summary").description("Summarise {topic} for {audience}. Keep {unknown} and {\"a\": 1}.")
                .expectedOutput("{count} bullet points").input("topic", "Reactor").input("audience", "Java devs")
                .input("count", "3").context("research").build();
        assertThat(task.renderedDescription()).isEqualTo("Summarise Reactor for Java devs. Keep {unknown} and {\"a\": 1}.");
        assertThat(task.renderedExpectedOutput()).isEqualTo("3 bullet points");
        assertThat(mapper.readValue(mapper.writeValueAsString(task), Task.class)).isEqualTo(task);
        assertThat(Templates.fill("{\"json\": {\"a\": 1}}", Map.of("a", "x"))).isEqualTo("{\"json\": {\"a\": 1}}");
        assertThatThrownBy(() -> Task.of("t", " ")).hasMessage("Task 't' has no description: say what the agent should do.");
    }
}
