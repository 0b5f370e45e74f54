package dev.cadre.api;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** One event of every type, for round-trip tests. */
final class Events {
    private Events() {}

    static List<RunEvent> oneOfEach(String run) {
        Instant t = Instant.parse("2026-11-23T10:15:30.123456Z");
        Usage usage = new Usage(120, 30, 1, 2, new BigDecimal("0.00042"), 1, 3);
        Checkpoint checkpoint = new Checkpoint("cp-1", run, "review/coder", Checkpoint.Kind.REVIEW_AFTER, "Ship it?",
                "diff --git a/x b/x", t, Duration.ofMinutes(30), Decision.reject("too slow", "timeout"), "coder", RiskLevel.WRITES);
        return List.of(
                new RunEvent.RunStarted(run, "", 1, t, "coder-reviewer",
                        Task.builder("fix-bug").description("Fix {lang} bug").input("lang", "java").context("plan").build()),
                new RunEvent.StepStarted(run, "review", 2, t, null, "loop", "Fix the failing test"),
                new RunEvent.StepStarted(run, "review/coder", 3, t, "coder", "agent", "Fix the failing test"),
                new RunEvent.ModelRequested(run, "review/coder", 4, t, "coder", "openai:gpt-4.1-mini", 1,
                        List.of(new RunEvent.PromptMessage("system", "You are a coder."), new RunEvent.PromptMessage("user", "Fix it")),
                        List.of("workspace_read")),
                new RunEvent.TokenStreamed(run, "review/coder", 5, t, "coder", "Let"),
                new RunEvent.ModelResponded(run, "review/coder", 6, t, "coder", "openai:gpt-4.1-mini", 1, null,
                        List.of(new RunEvent.ToolCall("call_1", "workspace_read", "{\"path\":\"A.java\"}")), "TOOL_EXECUTION", usage, false),
                new RunEvent.ToolCalled(run, "review/coder", 7, t, "coder", 1, "call_1", "workspace_read", "{\"path\":\"A.java\"}"),
                new RunEvent.ToolReturned(run, "review/coder", 8, t, "coder", 1, "call_1", "workspace_read", "class A {}", false, true),
                new RunEvent.CheckpointRequested(run, "review/coder", 9, t, checkpoint),
                new RunEvent.CheckpointResolved(run, "review/coder", 10, t, "cp-1", Decision.edit("better", "alice")),
                new RunEvent.BudgetWarning(run, "review", 11, t, "tokens", 8_100, 10_000),
                new RunEvent.RateLimitWait(run, "review/coder", 12, t, "coder", "openai:gpt-4.1-mini", "requests per minute", 1_500, 3),
                new RunEvent.StepFinished(run, "review/coder", 13, t, "done", usage, "converged after 2 iterations"),
                new RunEvent.StepFailed(run, "review/reviewer", 14, t, "Model failed", Usage.ZERO),
                new RunEvent.RunFinished(run, "", 15, t, "done", usage),
                new RunEvent.RunFailed(run, "", 16, t, "Budget exhausted", usage),
                new RunEvent.RunCancelled(run, "", 17, t, "Cancelled by the user.", usage));
    }
}
