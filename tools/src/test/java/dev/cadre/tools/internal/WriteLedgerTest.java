package dev.cadre.tools.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.tools.WriteQuota;
import java.util.List;
import org.junit.jupiter.api.Test;

class WriteLedgerTest {

    @Test
    void remembersABoundedNumberOfRuns() {
        WriteLedger ledger = new WriteLedger(new WriteQuota(10, 1));
        for (int i = 0; i < 10_000; i++) {
            ledger.charge("run-" + i, List.of(new WriteLedger.Change("f", 10)));
        }
        assertThat(ledger.runsRemembered()).isEqualTo(WriteLedger.MAX_RUNS);
        assertThatThrownBy(() -> ledger.charge("run-9999", List.of(new WriteLedger.Change("f", 1))))
                .hasMessageContaining("over its write quota of 10 bytes");
    }

    @Test
    void aRefusedChargeCountsNothing() {
        WriteLedger ledger = new WriteLedger(new WriteQuota(100, 2));
        assertThatThrownBy(() -> ledger.charge("r", List.of(new WriteLedger.Change("a", 1), new WriteLedger.Change("b", 1),
                new WriteLedger.Change("c", 1)))).hasMessageContaining("more than 2 files");
        ledger.charge("r", List.of(new WriteLedger.Change("a", 50), new WriteLedger.Change("b", 50)));
    }
}
