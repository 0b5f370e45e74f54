package dev.cadre.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DESIGN.md's module rules, checked on the main classes of every module: which module may depend on which, that no
 * module reaches into another's {@code internal} packages, and that nothing depends on cli, samples or benchmarks.
 */
class ModuleRulesTest {

    /** A module: its root package and the modules it may depend on (DESIGN.md, "Modules and what each may depend on"). */
    record Module(String name, String rootPackage, Set<String> mayUse) {}

    static final List<Module> MODULES = List.of(
            new Module("agent-api", "dev.cadre.api", Set.of()),
            new Module("http-guard", "dev.cadre.http", Set.of()),
            new Module("orchestrator", "dev.cadre.orchestrator", Set.of("agent-api")),
            new Module("core", "dev.cadre.core", Set.of("agent-api", "orchestrator", "personas", "tools")),
            new Module("spring-boot", "dev.cadre.spring", Set.of("agent-api", "orchestrator", "personas", "tools", "mcp-bridge", "console", "models")),
            new Module("tools", "dev.cadre.tools", Set.of("agent-api")),
            new Module("models", "dev.cadre.models", Set.of("agent-api")),
            new Module("personas", "dev.cadre.personas", Set.of("agent-api")),
            new Module("testkit", "dev.cadre.testkit", Set.of("agent-api")),
            new Module("observability", "dev.cadre.opentelemetry", Set.of("agent-api")),
            new Module("temporal", "dev.cadre.temporal", Set.of("agent-api", "orchestrator")),
            new Module("journal-jdbc", "dev.cadre.jdbc", Set.of("agent-api", "orchestrator")),
            new Module("mcp-bridge", "dev.cadre.mcp", Set.of("agent-api", "orchestrator", "tools", "personas", "http-guard")),
            new Module("console", "dev.cadre.console", Set.of("agent-api", "orchestrator", "personas", "http-guard")),
            new Module("eval", "dev.cadre.eval", Set.of("agent-api", "orchestrator", "tools", "personas")),
            new Module("cli", "dev.cadre.cli", Set.of("agent-api", "orchestrator", "tools", "personas", "http-guard", "testkit",
                    "observability", "mcp-bridge", "console", "eval", "models", "journal-jdbc", "temporal")),
            new Module("samples", "dev.cadre.samples", Set.of("agent-api", "orchestrator", "tools", "personas", "testkit", "eval")),
            new Module("benchmarks", "dev.cadre.benchmarks", Set.of("agent-api", "orchestrator", "tools", "personas", "testkit",
                    "mcp-bridge", "http-guard", "samples", "temporal")));

    static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("/architecture/"))
                .importPackages("dev.cadre");
    }

    @Test
    void everyModuleHasClassesHere() {
        for (Module module : MODULES) {
            assertThat(classes.stream().anyMatch(c -> inModule(c, module))).as(module.name() + " imported").isTrue();
        }
    }

    @Test
    void everyClassBelongsToAModuleOfDesignMd() {
        Set<String> strays = new TreeSet<>();
        for (JavaClass c : classes) {
            if (MODULES.stream().noneMatch(m -> inModule(c, m))) {
                strays.add(c.getName());
            }
        }
        assertThat(strays).as("classes in no module of DESIGN.md: add the module and its rule").isEmpty();
    }

    @Test
    void modulesDependOnlyOnWhatDesignMdAllows() {
        List<String> violations = new ArrayList<>();
        for (Module module : MODULES) {
            String[] forbidden = MODULES.stream()
                    .filter(other -> other != module && !module.mayUse().contains(other.name()))
                    .map(other -> other.rootPackage() + "..")
                    .toArray(String[]::new);
            noClasses().that().resideInAPackage(module.rootPackage() + "..")
                    .should().dependOnClassesThat().resideInAnyPackage(forbidden)
                    .as(module.name() + " depends only on " + (module.mayUse().isEmpty() ? "nothing of Cadre's" : module.mayUse()))
                    .evaluate(classes).getFailureReport().getDetails().forEach(d -> violations.add(module.name() + ": " + d));
        }
        assertThat(violations).as("dependencies DESIGN.md does not allow").isEmpty();
    }

    @Test
    void noModuleUsesAnotherModulesInternals() {
        List<String> violations = new ArrayList<>();
        for (Module module : MODULES) {
            noClasses().that().resideOutsideOfPackage(module.rootPackage() + "..")
                    .should().dependOnClassesThat().resideInAPackage(module.rootPackage() + "..internal..")
                    .as("only " + module.name() + " uses " + module.rootPackage() + "..internal")
                    .evaluate(classes).getFailureReport().getDetails().forEach(d -> violations.add(module.name() + " internals: " + d));
        }
        assertThat(violations).as("uses of another module's internal packages").isEmpty();
    }

    private static boolean inModule(JavaClass c, Module module) {
        String pkg = c.getPackageName();
        return pkg.equals(module.rootPackage()) || pkg.startsWith(module.rootPackage() + ".");
    }
}
