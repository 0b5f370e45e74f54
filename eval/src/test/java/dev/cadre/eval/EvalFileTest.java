package dev.cadre.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.api.Budget;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalFileTest {

    @TempDir
    Path dir;

    private EvalFile parse(String yaml) {
        return EvalFile.parse("evals.yaml", yaml, dir);
    }

    @Test
    void readsCasesChecksRepeatBudgetAndCommonChecks() throws Exception {
        Files.createDirectories(dir.resolve("projects/calc"));
        EvalFile file = parse("""
                name: mixed
                description: Every kind of check.
                repeat: 2
                budget_per_case: {max_tokens: 20000, max_cost: 0.05, max_model_calls: 12, max_wall_time: 5m}
                crews: [coder-reviewer]
                checks:
                  - max_tokens: 15000
                    max_steps: 6
                cases:
                  - id: fix
                    task: Fix the bug in {file}.
                    inputs: {file: Calculator.java}
                    workspace: projects/calc
                    checks:
                      - commands_pass: [java tests/RunTests.java]
                      - files_changed: [src/**]
                      - files_unchanged: [tests/**]
                  - id: ask
                    task: What is the capital of France?
                    checks:
                      - equals: paris
                        normalise: true
                      - regex: "(?i)paris"
                      - json_schema: {type: object, required: [answer]}
                      - number: 3.14
                        tolerance: 0.01
                        field: pi
                """);

        assertThat(file.name()).isEqualTo("mixed");
        assertThat(file.repeat()).isEqualTo(2);
        assertThat(file.budgetPerCase()).isEqualTo(new Budget(20000L, new BigDecimal("0.05"), 12L, Duration.ofMinutes(5)));
        assertThat(file.crews()).containsExactly("coder-reviewer");
        EvalCase fix = file.caseNamed("fix");
        assertThat(fix.workspace()).isEqualTo(dir.resolve("projects/calc"));
        assertThat(fix.inputs()).containsEntry("file", "Calculator.java");
        assertThat(fix.checks()).extracting(Check::kind).containsExactly("commands_pass", "files_changed", "files_unchanged", "limits");
        assertThat(file.caseNamed("ask").checks()).extracting(Check::kind)
                .containsExactly("equals", "regex", "json_schema", "number", "limits");
        assertThat(file.caseNamed("ask").checks().get(3)).isEqualTo(new Check.Numeric(new BigDecimal("3.14"), new BigDecimal("0.01"), "pi"));
        assertThat(file.sha256()).hasSize(64);
    }

    @Test
    void anUnknownKeyIsReportedWithItsLineAndTheNearestKey() {
        assertThatThrownBy(() -> parse("""
                cases:
                  - id: a
                    task: t
                    chekcs: []
                """)).hasMessage("evals.yaml:4:5: unknown key 'chekcs' at cases[0].chekcs — did you mean 'checks'?");
    }

    @Test
    void aWrongTypeIsReportedWithItsLine() {
        assertThatThrownBy(() -> parse("""
                repeat: many
                cases: []
                """)).hasMessageStartingWith("evals.yaml:1:1: wrong value at repeat: Cannot deserialize value of type `java.lang.Integer` from String \"many\"");
    }

    @Test
    void badYamlIsReportedAsSuch() {
        assertThatThrownBy(() -> parse("""
                cases:
                  - id: a
                    task: What is it? Reply with {"answer": 1}
                """)).hasMessageStartingWith("evals.yaml:3:").hasMessageContaining(": not valid YAML: mapping values are not allowed here");
    }

    @Test
    void aCheckOfTwoKindsOrNoneIsRefusedNamingTheCase() {
        assertThatThrownBy(() -> parse("""
                cases:
                  - id: a
                    task: t
                    checks:
                      - equals: x
                        regex: y
                """)).hasMessage("evals.yaml: case 'a', check 1 is equals and regex at once: write one check per list item.");
        assertThatThrownBy(() -> parse("""
                cases:
                  - id: a
                    task: t
                    checks:
                      - field: answer
                """)).hasMessageStartingWith("evals.yaml: case 'a', check 1 checks nothing: give one of equals, regex");
    }

    @Test
    void badValuesAreFoundBeforeAnythingRuns() {
        assertThatThrownBy(() -> parse("""
                cases:
                  - id: a
                    task: t
                    checks: [{regex: "("}]
                """)).hasMessageStartingWith("evals.yaml: case 'a', check 1 (regex): the pattern '(' does not compile: Unclosed group");
        assertThatThrownBy(() -> parse("""
                cases:
                  - id: a
                    task: t
                    workspace: nowhere
                    checks: [{regex: x}]
                """)).hasMessageStartingWith("evals.yaml: case 'a' copies the workspace 'nowhere', but ").hasMessageEndingWith("is not a directory.");
        assertThatThrownBy(() -> parse("""
                cases:
                  - id: a
                    task: t
                    checks: [{regex: x, tolerance: 1}]
                """)).hasMessage("evals.yaml: case 'a', check 1 (regex) has 'tolerance', which only a number check takes.");
        assertThatThrownBy(() -> parse("""
                cases:
                  - id: a
                    task: t
                """)).hasMessage("evals.yaml: case 'a' has no 'checks': say how a run passes (equals, regex, number, commands_pass, ...).");
        assertThatThrownBy(() -> parse("""
                budget_per_case: {max_wall_time: soon}
                cases:
                  - {id: a, task: t, checks: [{regex: x}]}
                """)).hasMessage("evals.yaml: budget_per_case.max_wall_time is 'soon': write a duration such as 30s, 5m or 1h.");
        assertThatThrownBy(() -> parse("""
                cases:
                  - {id: a, task: t, checks: [{regex: x}]}
                  - {id: a, task: u, checks: [{regex: x}]}
                """)).hasMessage("evals.yaml: Eval 'evals' has two cases with id 'a'.");
        assertThatThrownBy(() -> parse("name: x\n")).hasMessage("evals.yaml: the eval has no 'cases'; list at least one case with a task and checks.");
    }
}
