package dev.cadre.personas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.api.Persona;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PersonaLibraryTest {

    @TempDir
    Path dir;

    Path write(String name, String text) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    @Test
    void theBuiltInLibraryHasElevenShortPersonas() {
        PersonaLibrary library = PersonaLibrary.builtIn();
        assertThat(library.ids()).containsExactlyInAnyOrder("coder", "reviewer", "tester", "architect", "security-reviewer",
                "manager", "debater", "judge", "technical-writer", "summarizer", "rubric-judge");
        for (Persona p : library.all()) {
            int words = (p.role() + " " + p.goal() + " " + p.instructions()).split("\\s+").length;
            assertThat(words).as("persona %s stays short", p.id()).isLessThan(120);
            assertThat(p.model()).as("built-ins use the default model").isNull();
        }
        assertThat(library.persona("debater").role()).isEqualTo("Debater arguing {stance}");
        assertThat(library.persona("reviewer").output().schema().get("required").toString()).isEqualTo("[\"verdict\",\"feedback\"]");
        assertThat(library.persona("coder").tools()).containsExactly("workspace_*", "run_*", "git_*");
    }

    @Test
    void personasExtendOthersAndOverrideWhatTheySet() throws Exception {
        Path file = write("team.yaml", """
                personas:
                  - id: java-coder
                    extends: coder
                    role: Senior Java developer
                    model: ollama:qwen2.5-coder
                    temperature: 0.1
                  - id: careful-java-coder
                    extends: java-coder
                    max_tool_rounds: 30
                    examples:
                      - input: Fix the NPE in Parser
                        output: Added a null check and a test.
                """);
        PersonaLibrary library = PersonaLibrary.builtIn().withFile(file);
        Persona careful = library.persona("careful-java-coder");
        assertThat(careful.role()).isEqualTo("Senior Java developer");
        assertThat(careful.model()).isEqualTo("ollama:qwen2.5-coder");
        assertThat(careful.maxToolRounds()).isEqualTo(30);
        assertThat(careful.goal()).isEqualTo(library.persona("coder").goal());
        assertThat(careful.tools()).containsExactly("workspace_*", "run_*", "git_*");
        assertThat(careful.examples()).hasSize(1);
    }

    @Test
    void aCycleInExtendsIsAnErrorAtTheExtendsLine() throws Exception {
        Path file = write("cycle.yaml", """
                personas:
                  - id: a
                    role: A
                    extends: b
                  - id: b
                    extends: a
                """);
        assertThatThrownBy(() -> PersonaLibrary.empty().withFile(file))
                .isInstanceOf(ConfigException.class)
                .hasMessage(file + ":4:14: persona 'a' extends itself through a -> b -> a");
    }

    @Test
    void unknownKeysWrongTypesAndUnknownParentsAreLocated() throws Exception {
        Path typo = write("typo.yaml", """
                id: coder2
                rol: Coder
                goal: Code
                """);
        assertThatThrownBy(() -> PersonaLibrary.empty().withFile(typo))
                .hasMessage(typo + ":2:1: unknown key 'rol' in a persona — did you mean 'role'?");

        Path type = write("type.yaml", """
                id: coder2
                role: Coder
                max_tool_rounds: many
                """);
        assertThatThrownBy(() -> PersonaLibrary.empty().withFile(type))
                .hasMessage(type + ":3:18: 'max_tool_rounds' must be a whole number, not 'many'");

        Path parent = write("parent.yaml", """
                id: coder2
                extends: codr
                """);
        assertThatThrownBy(() -> PersonaLibrary.builtIn().withFile(parent))
                .hasMessage(parent + ":2:10: persona 'coder2' extends 'codr', which does not exist — did you mean 'coder'?");

        Path model = write("model.yaml", """
                id: coder2
                role: Coder
                model: gpt-4o
                """);
        assertThatThrownBy(() -> PersonaLibrary.empty().withFile(model))
                .hasMessage(model + ":3:8: Model reference 'gpt-4o' must look like 'provider:model', e.g. 'openai:gpt-4.1-mini' or 'ollama:qwen2.5-coder'");

        Path json = write("p.json", "{\"id\": \"x\", \"role\": \"X\", \"temperature\": \"hot\"}");
        assertThatThrownBy(() -> PersonaLibrary.empty().withFile(json))
                .hasMessage(json + ":1:41: 'temperature' must be a number, not 'hot'");
        assertThatThrownBy(() -> PersonaLibrary.builtIn().persona("judg"))
                .hasMessage("There is no persona 'judg' — did you mean 'judge'?");
    }

    @Test
    void brokenYamlIsOneLocatedSentence() throws Exception {
        Path bad = write("bad.yaml", "id: x\nrole: [unclosed\n");
        assertThatThrownBy(() -> PersonaLibrary.empty().withFile(bad))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(bad + ":").hasMessageContaining("not valid YAML");
    }
}
