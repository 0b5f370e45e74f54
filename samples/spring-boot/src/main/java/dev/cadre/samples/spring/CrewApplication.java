package dev.cadre.samples.spring;

import dev.cadre.testkit.Reply;
import dev.cadre.testkit.ScriptedModel;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * A Spring Boot application on the Cadre starter: {@code POST /crews/poem/runs} starts the poem crew, {@code GET
 * /runs/{id}} shows its status and checkpoints, {@code POST /runs/{id}/answers} answers one
 * ({@code {"checkpoint": "...", "decision": "approve"}}). With
 * {@code OPENAI_API_KEY} set it uses OpenAI (or any compatible server at {@code OPENAI_BASE_URL}); without, replies
 * written in advance.
 */
@SpringBootApplication
public class CrewApplication {

    public static void main(String[] args) {
        SpringApplication.run(CrewApplication.class, args);
    }

    @Bean
    ChatModel chatModel(Environment environment) {
        String key = environment.getProperty("OPENAI_API_KEY");
        if (key == null || key.isBlank()) {
            return ScriptedModel.builder().when(request -> true, Reply.text("""
                    Grey water folds on stone,
                    gulls stitch the wind to the tide,
                    salt on every word,
                    the sea keeps what it is told.""")).build();
        }
        return OpenAiChatModel.builder().apiKey(key).modelName(environment.getProperty("OPENAI_MODEL", "gpt-4.1-mini"))
                .baseUrl(environment.getProperty("OPENAI_BASE_URL", "https://api.openai.com/v1")).build();
    }
}
