package dev.cadre.orchestrator.conformance;

import dev.cadre.api.HumanGate;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.Tool;
import dev.cadre.testkit.ScriptedModel;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tests every driver must pass, with ScriptedModel: each pattern alone ({@link PatternsConformance}), nested
 * ({@link NestedConformance}), checkpoints ({@link CheckpointsConformance}), budgets and tool approvals
 * ({@link BudgetsAndToolsConformance}), resume after a cut at every event, and cancel ({@link ResumeConformance}).
 * The tests assert events (kinds and paths) and results, never timing.
 *
 * <p>A driver's test extends this class and says how to make its driver:
 * <pre>{@code
 * class LocalDriverConformanceTest extends DriverConformanceSuite {
 *     protected CrewDriver newDriver(CrewDriver.Setup setup) { return new LocalCrewDriver(setup, key); }
 * }
 * }</pre>
 * Another module runs it from the orchestrator's test-jar ({@code cadre-orchestrator}, type {@code test-jar}). The
 * sample crews' part is {@link SampleCrewsConformance}: it needs the crews loaded from personas, which the
 * orchestrator's tests cannot depend on (personas' tests depend on the orchestrator), so the samples module runs it.
 */
public abstract class DriverConformanceSuite
        implements PatternsConformance, NestedConformance, CheckpointsConformance, BudgetsAndToolsConformance, ResumeConformance {

    @TempDir
    protected Path store;

    /** A driver made with {@code setup}; drivers made over the same {@link CrewDriver.Setup#store()} share their runs. */
    protected abstract CrewDriver newDriver(CrewDriver.Setup setup);

    @Override
    public CrewDriver driver(ScriptedModel model, HumanGate gate, Tool... tools) {
        return newDriver(new CrewDriver.Setup(ModelRegistry.of("scripted:m", model), List.of(tools), gate, store));
    }
}
