package dev.cadre.orchestrator.internal.local;

import dev.cadre.api.Tool;
import dev.cadre.api.ToolResult;
import dev.cadre.orchestrator.internal.core.Command;
import dev.cadre.orchestrator.internal.core.Input;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * The local driver's tool calls, on the blocking scheduler, or inline on the thread that delivered the model's answer
 * for a tool that says it does not block ({@link Tool#mayBlock()}): a call the journal shows was interrupted asks the tool
 * first whether its effect is already there; a tool that fails or gives nothing gives the model an error result.
 */
final class ToolCalls {

    private static final Logger log = LoggerFactory.getLogger(ToolCalls.class);

    private final Scheduler blocking;

    ToolCalls(Scheduler blocking) {
        this.blocking = blocking;
    }

    Mono<Input> call(Command.CallTool c) {
        Tool tool = c.tool();
        Mono<ToolResult> recovered = c.recover()
                ? on(tool, Mono.defer(() -> tool.recoverInterruptedCall(c.arguments(), c.context())))
                        .onErrorResume(Exception.class, e -> Mono.empty())
                : Mono.empty();
        Mono<ToolResult> invoked = on(tool, Mono.defer(() -> tool.invoke(c.arguments(), c.context())))
                .switchIfEmpty(Mono.fromSupplier(() -> ToolResult.error("Tool '" + tool.name() + "' returned no result.")))
                .onErrorResume(e -> e instanceof Exception, e -> {
                    log.debug("Tool {} failed in run {} at {}", tool.name(), c.context().runId(), c.context().stepPath(), e);
                    return Mono.just(ToolResult.error("Tool '" + tool.name() + "' failed: " + Backoff.describe(e)));
                });
        return recovered.switchIfEmpty(invoked).map(result -> new Input.ToolDone(c.key(), result));
    }

    private Mono<ToolResult> on(Tool tool, Mono<ToolResult> call) {
        return tool.mayBlock() ? call.subscribeOn(blocking) : call;
    }
}
