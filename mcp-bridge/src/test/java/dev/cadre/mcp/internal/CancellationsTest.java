package dev.cadre.mcp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A tools/call's id is copied into its _meta as the id's JSON, which a notifications/cancelled names again. */
class CancellationsTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @Test
    void theIdIsWrittenAsTheTreeWriterWritesIt() {
        List<JsonNode> ids = List.of(NODES.numberNode(7), NODES.numberNode(Long.MAX_VALUE), NODES.numberNode(-3),
                NODES.numberNode(new BigInteger("123456789012345678901234567890")), NODES.textNode("abc-0"),
                NODES.textNode("quote \" backslash \\ tab \t newline \n nul \u0000 é ☃ 😀"), NODES.textNode(""));
        for (JsonNode id : ids) {
            assertThat(Cancellations.json(id)).isEqualTo(id.toString());
        }
    }

    @Test
    void aCancelledNotificationFindsTheCallByEitherKindOfId() {
        for (JsonNode id : List.of(NODES.numberNode(42), NODES.textNode("call \"1\""))) {
            Cancellations cancellations = new Cancellations();
            ObjectNode call = NODES.objectNode().put("jsonrpc", "2.0").put("method", "tools/call");
            call.set("id", id);
            call.putObject("params").put("name", "echo");
            assertThat(cancellations.inspect("s", call)).isTrue();
            String copied = call.path("params").path("_meta").path(Cancellations.REQUEST_ID).textValue();
            AtomicInteger cancelled = new AtomicInteger();
            cancellations.register("s", copied, cancelled::incrementAndGet);
            ObjectNode cancel = NODES.objectNode().put("jsonrpc", "2.0").put("method", "notifications/cancelled");
            cancel.putObject("params").set("requestId", id);
            assertThat(cancellations.inspect("s", cancel)).isFalse();
            assertThat(cancelled).hasValue(1);
            assertThat(cancellations.active()).isZero();
        }
    }
}
