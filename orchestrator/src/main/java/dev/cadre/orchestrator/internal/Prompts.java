package dev.cadre.orchestrator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.api.FewShotExample;
import dev.cadre.api.Persona;
import dev.cadre.api.Task;
import dev.cadre.api.Templates;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds an agent's prompt: persona as the system message, examples as earlier turns, then the task with only the
 * context it was given (the outputs its task names, in that order, and what its pattern adds: a reviewer's
 * feedback, the other debaters' answers). Nothing else enters the prompt (no transcript, no internal ids).
 */
public final class Prompts {

    private Prompts() {}

    public static List<ChatMessage> initial(Persona persona, Task task, Map<String, String> context, JsonNode schema) {
        Map<String, String> vars = task.inputs();
        List<ChatMessage> messages = new ArrayList<>();
        messages.add(SystemMessage.from(system(persona, vars)));
        for (FewShotExample example : persona.examples()) {
            messages.add(UserMessage.from(Templates.fill(example.input(), vars)));
            messages.add(AiMessage.from(Templates.fill(example.output(), vars)));
        }
        messages.add(UserMessage.from(user(persona, task, context, schema)));
        return messages;
    }

    static String system(Persona persona, Map<String, String> vars) {
        StringBuilder s = new StringBuilder("You are ").append(Templates.fill(persona.role().strip(), vars)).append('.');
        if (persona.goal() != null && !persona.goal().isBlank()) {
            s.append("\nYour goal: ").append(Templates.fill(persona.goal().strip(), vars));
        }
        if (persona.backstory() != null && !persona.backstory().isBlank()) {
            s.append("\n").append(Templates.fill(persona.backstory().strip(), vars));
        }
        if (persona.instructions() != null && !persona.instructions().isBlank()) {
            s.append("\n\n").append(Templates.fill(persona.instructions().strip(), vars));
        }
        return s.toString();
    }

    static String user(Persona persona, Task task, Map<String, String> context, JsonNode schema) {
        StringBuilder s = new StringBuilder(task.renderedDescription().strip());
        String expected = task.expectedOutput() != null ? task.renderedExpectedOutput() : persona.output().expectedOutput();
        if (expected != null && !expected.isBlank()) {
            s.append("\n\nExpected output: ").append(Templates.fill(expected.strip(), task.inputs()));
        }
        if (schema != null) {
            s.append("\n\nAnswer with one JSON value that matches this JSON Schema, and nothing else:\n").append(schema);
        }
        for (Map.Entry<String, String> entry : context.entrySet()) {
            s.append("\n\n## Context: ").append(entry.getKey()).append('\n').append(entry.getValue().strip());
        }
        return s.toString();
    }
}
