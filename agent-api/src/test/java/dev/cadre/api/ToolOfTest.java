package dev.cadre.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

class ToolOfTest {

    private static final ToolSpecification SHOUT = ToolSpecification.builder().name("shout").description("Upper-cases text.")
            .parameters(JsonObjectSchema.builder().addStringProperty("text").required("text").build()).build();
    private static final ToolContext CONTEXT = new ToolContext("run-1", "step", "agent", "call-1");

    @Test
    void aToolFromItsPartsAnswersWithItsCallAndSaysWhatItIs() {
        Tool tool = Tool.of(SHOUT, RiskLevel.READ_ONLY, true,
                (args, context) -> Mono.just(ToolResult.ok(args.get("text").asText().toUpperCase() + " " + context.callId())));
        assertThat(tool.name()).isEqualTo("shout");
        assertThat(tool.risk()).isEqualTo(RiskLevel.READ_ONLY);
        assertThat(tool.risk(CadreJson.mapper().createObjectNode())).isEqualTo(RiskLevel.READ_ONLY);
        assertThat(tool.idempotent()).isTrue();
        assertThat(tool.invoke(CadreJson.mapper().createObjectNode().put("text", "hi"), CONTEXT).block().text()).isEqualTo("HI call-1");
    }

    @Test
    void aBlockingBodyRunsOnlyWhenSubscribedAndEachTime() {
        AtomicInteger calls = new AtomicInteger();
        Tool tool = Tool.blocking(SHOUT, RiskLevel.WRITES, false, (args, context) -> ToolResult.ok("call " + calls.incrementAndGet()));
        Mono<ToolResult> call = tool.invoke(CadreJson.mapper().createObjectNode(), CONTEXT);
        assertThat(calls).hasValue(0);
        assertThat(call.block().text()).isEqualTo("call 1");
        assertThat(call.block().text()).isEqualTo("call 2");
    }

    @Test
    void anInvalidNameOrMissingPartIsRefusedWhenTheToolIsMade() {
        ToolSpecification dotted = ToolSpecification.builder().name("files.read").build();
        assertThatThrownBy(() -> Tool.of(dotted, RiskLevel.READ_ONLY, true, (a, c) -> Mono.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'files.read' is invalid");
        assertThatThrownBy(() -> Tool.of(SHOUT, null, true, (a, c) -> Mono.empty())).isInstanceOf(NullPointerException.class);
    }
}
