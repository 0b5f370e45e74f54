package dev.cadre.orchestrator.conformance;

import dev.cadre.api.HumanGate;
import dev.cadre.api.Tool;
import dev.cadre.testkit.ScriptedModel;

/** What each part of the {@link DriverConformanceSuite} asks of the suite: drivers over the test's store. */
public interface SuitePart {

    /** A new driver answering with {@code model}, deciding checkpoints with {@code gate}, over this test's store. */
    CrewDriver driver(ScriptedModel model, HumanGate gate, Tool... tools);
}
