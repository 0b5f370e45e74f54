package dev.cadre.testkit;

import dev.cadre.api.RunResult;
import dev.cadre.api.RunStatus;
import dev.cadre.api.Usage;
import org.assertj.core.api.AbstractAssert;
import org.assertj.core.api.Assertions;
import org.assertj.core.api.ObjectAssert;

/** Assertions on a {@link RunResult}. */
public final class RunResultAssert extends AbstractAssert<RunResultAssert, RunResult> {

    RunResultAssert(RunResult actual) {
        super(actual, RunResultAssert.class);
    }

    public RunResultAssert hasStatus(RunStatus status) {
        isNotNull();
        if (actual.status() != status) {
            failWithMessage("Expected run %s to be %s but it was %s%s", actual.runId(), status, actual.status(),
                    actual.reason() == null ? "" : " (reason: " + actual.reason() + ")");
        }
        return this;
    }

    public RunResultAssert succeeded() {
        return hasStatus(RunStatus.SUCCEEDED);
    }

    public RunResultAssert failed() {
        return hasStatus(RunStatus.FAILED);
    }

    public RunResultAssert wasCancelled() {
        return hasStatus(RunStatus.CANCELLED);
    }

    public RunResultAssert hasOutput(String output) {
        isNotNull();
        Assertions.assertThat(actual.output()).as("final output of run %s", actual.runId()).isEqualTo(output);
        return this;
    }

    public RunResultAssert outputContains(String text) {
        isNotNull();
        Assertions.assertThat(actual.output()).as("final output of run %s", actual.runId()).contains(text);
        return this;
    }

    /** The output of the step at {@code stepPath}. */
    public RunResultAssert hasStepOutput(String stepPath, String output) {
        isNotNull();
        Assertions.assertThat(actual.outputs()).as("step outputs of run %s", actual.runId()).containsEntry(stepPath, output);
        return this;
    }

    public RunResultAssert hasReasonContaining(String text) {
        isNotNull();
        Assertions.assertThat(actual.reason()).as("reason of run %s", actual.runId()).contains(text);
        return this;
    }

    public RunResultAssert hasModelCalls(long calls) {
        isNotNull();
        Assertions.assertThat(actual.usage().modelCalls()).as("model calls of run %s", actual.runId()).isEqualTo(calls);
        return this;
    }

    public RunResultAssert hasToolCalls(long calls) {
        isNotNull();
        Assertions.assertThat(actual.usage().toolCalls()).as("tool calls of run %s", actual.runId()).isEqualTo(calls);
        return this;
    }

    /** Further assertions on the run's usage. */
    public ObjectAssert<Usage> usage() {
        isNotNull();
        return Assertions.assertThat(actual.usage());
    }
}
