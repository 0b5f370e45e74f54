package dev.cadre.temporal;

import dev.cadre.orchestrator.conformance.CrewDriver;
import dev.cadre.orchestrator.conformance.DriverConformanceSuite;
import dev.cadre.orchestrator.journal.JournalKey;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/** The Temporal driver (a workflow over the core, on Temporal's in-memory test service) passes the driver conformance suite. */
class TemporalDriverConformanceTest extends DriverConformanceSuite {

    private final JournalKey key = JournalKey.generate();
    private final List<TemporalCrewDriver> drivers = new ArrayList<>();

    @Override
    protected CrewDriver newDriver(CrewDriver.Setup setup) {
        TemporalCrewDriver driver = new TemporalCrewDriver(setup, key);
        drivers.add(driver);
        return driver;
    }

    @AfterEach
    void stopDrivers() {
        drivers.forEach(TemporalCrewDriver::close);
    }
}
