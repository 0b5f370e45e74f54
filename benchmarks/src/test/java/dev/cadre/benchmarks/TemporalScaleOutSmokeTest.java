package dev.cadre.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** T1 at a smoke size: Temporal's test server and two worker JVMs, as benchmarks/run temporal starts them. */
class TemporalScaleOutSmokeTest {

    @Test
    @Timeout(300)
    void aShortT1RunOnTwoWorkerJvmsFinishesEveryRun() throws Exception {
        TemporalScaleOut.Result r = TemporalScaleOut.measure(2, 10);
        assertThat(r.failed()).as(r.row()).isZero();
        assertThat(r.runs()).isEqualTo(10);
        assertThat(r.workers()).isEqualTo(2);
        assertThat(r.wallMillis()).isPositive();
        assertThat(r.workerCpuMillis()).as("the workers ran the steps: " + r.row()).isPositive();
    }
}
