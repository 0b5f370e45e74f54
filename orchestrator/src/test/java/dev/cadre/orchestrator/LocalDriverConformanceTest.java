package dev.cadre.orchestrator;

import dev.cadre.orchestrator.conformance.CrewDriver;
import dev.cadre.orchestrator.conformance.DriverConformanceSuite;
import dev.cadre.orchestrator.conformance.LocalCrewDriver;
import dev.cadre.orchestrator.journal.JournalKey;

/** The local driver (an {@link Orchestrator} on Reactor) passes the driver conformance suite. */
class LocalDriverConformanceTest extends DriverConformanceSuite {

    private final JournalKey key = JournalKey.generate();

    @Override
    protected CrewDriver newDriver(CrewDriver.Setup setup) {
        return new LocalCrewDriver(setup, key);
    }
}
