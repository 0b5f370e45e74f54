package dev.cadre.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.data.message.AiMessage;
import java.math.BigDecimal;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ModelRegistryTest {

    static ChatModel answering(String text) {
        return new ChatModel() {
            @Override
            public ChatResponse doChat(ChatRequest request) {
                return ChatResponse.builder().aiMessage(AiMessage.from(text)).build();
            }
        };
    }

    @Test
    void parsesModelReferences() {
        assertThat(ModelRef.parse("openai:gpt-4.1-mini")).isEqualTo(new ModelRef("openai", "gpt-4.1-mini"));
        assertThat(ModelRef.parse("ollama:qwen2.5-coder:7b").name()).isEqualTo("qwen2.5-coder:7b");
        assertThat(ModelRef.parse("anthropic:claude-sonnet-4-5").toString()).isEqualTo("anthropic:claude-sonnet-4-5");
        for (String bad : new String[] {"gpt-4o", ":gpt", "openai:", ""}) {
            assertThatThrownBy(() -> ModelRef.parse(bad)).hasMessageContaining("must look like 'provider:model'");
        }
    }

    @Test
    void resolvesRegisteredModelsAndBuildsProviderModelsOnce() {
        AtomicInteger built = new AtomicInteger();
        ChatModel fixed = answering("fixed");
        ModelRegistry registry = ModelRegistry.builder()
                .model("scripted:a", fixed)
                .provider("openai", name -> { built.incrementAndGet(); return answering(name); })
                .defaultModel("scripted:a")
                .build();
        assertThat(registry.chatModel(ModelRef.parse("scripted:a"))).isSameAs(fixed);
        ChatModel first = registry.chatModel(ModelRef.parse("openai:gpt-4.1-mini"));
        assertThat(registry.chatModel(ModelRef.parse("openai:gpt-4.1-mini"))).isSameAs(first);
        assertThat(built).hasValue(1);
        assertThat(first.chat("hi")).isEqualTo("gpt-4.1-mini");
        assertThat(registry.modelFor(Persona.builder("p").role("r").build())).isEqualTo(ModelRef.parse("scripted:a"));
        assertThat(registry.modelFor(Persona.builder("p").role("r").model("openai:o3").build()).name()).isEqualTo("o3");
    }

    @Test
    void unknownModelsNameWhatIsRegistered() {
        ModelRegistry registry = ModelRegistry.builder().model("scripted:a", answering("x")).provider("ollama", n -> answering(n)).build();
        assertThatThrownBy(() -> registry.chatModel(ModelRef.parse("openai:gpt-4o")))
                .isInstanceOf(UnknownModelException.class)
                .hasMessage("No model is registered for 'openai:gpt-4o'; registered: ollama:*, scripted:a.");
        assertThatThrownBy(() -> registry.modelFor(Persona.builder("coder").role("r").build()))
                .hasMessageStartingWith("Persona 'coder' names no model and no default model is configured");
    }

    @Test
    void pricesCostPerMillionTokens() {
        PriceTable prices = PriceTable.NONE.with("openai:gpt-4.1-mini", "0.40", "1.60");
        assertThat(prices.cost(ModelRef.parse("openai:gpt-4.1-mini"), 1_000_000, 500_000)).isEqualByComparingTo("1.2");
        assertThat(prices.cost(ModelRef.parse("openai:gpt-4.1-mini"), 1234, 56)).isEqualByComparingTo(new BigDecimal("0.0005832"));
        assertThat(prices.cost(ModelRef.parse("ollama:llama3"), 1000, 1000)).isZero();
    }

    @Test
    void budgetReportsTheMostConsumedLimit() {
        Budget budget = Budget.UNLIMITED.withMaxTokens(1000).withMaxModelCalls(10);
        Usage usage = new Usage(500, 300, 2, 0, BigDecimal.ZERO, 0, 0);
        Budget.Consumption worst = budget.mostConsumed(usage, java.time.Duration.ZERO).orElseThrow();
        assertThat(worst.limit()).isEqualTo("tokens");
        assertThat(worst.ratio()).isEqualTo(0.8);
        assertThat(Budget.UNLIMITED.mostConsumed(usage, java.time.Duration.ofHours(1))).isEmpty();
    }
}
