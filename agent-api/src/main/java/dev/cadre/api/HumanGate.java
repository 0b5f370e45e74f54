package dev.cadre.api;

import reactor.core.publisher.Mono;

/**
 * Decides checkpoints: a console prompt, an MCP elicitation, a web page, or a policy. A gate that returns an empty
 * Mono leaves the checkpoint to {@link RunHandle#resolve} (or to its timeout). Decisions come only from gates and
 * from {@code resolve}: nothing an agent or a tool outputs can decide a checkpoint.
 */
@FunctionalInterface
public interface HumanGate {

    Mono<Decision> decide(Checkpoint checkpoint);

    /** Leaves every checkpoint to {@link RunHandle#resolve}: the run waits, holding no thread. */
    static HumanGate programmatic() {
        return checkpoint -> Mono.empty();
    }

    /** Approves everything (for CI and trusted sandboxes). */
    static HumanGate autoApprove() {
        return checkpoint -> Mono.just(Decision.approve("policy:auto-approve"));
    }

    /** Rejects everything with {@code feedback}. */
    static HumanGate autoReject(String feedback) {
        return checkpoint -> Mono.just(Decision.reject(feedback, "policy:auto-reject"));
    }

    /** Approves calls of read-only tools; everything else waits for {@link RunHandle#resolve}. */
    static HumanGate approveReadOnly() {
        return checkpoint -> checkpoint.kind() == Checkpoint.Kind.TOOL_APPROVAL && checkpoint.risk() == RiskLevel.READ_ONLY
                ? Mono.just(Decision.approve("policy:approve-read-only")) : Mono.empty();
    }

    /** This gate, and where it has no decision, {@code next}. */
    default HumanGate orElse(HumanGate next) {
        return checkpoint -> decide(checkpoint).switchIfEmpty(Mono.defer(() -> next.decide(checkpoint)));
    }
}
