package dev.cadre.eval.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.api.CadreJson;
import dev.cadre.eval.Check;
import dev.cadre.eval.CheckResult;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChecksTest {

    @TempDir
    Path dir;

    final Checks checks = new Checks(System.getenv());

    private CheckResult one(Check check, String output) {
        Path ws = dir.resolve("ws");
        ws.toFile().mkdirs();
        return checks.run(List.of(check), new Checks.Outcome(output, 120, new BigDecimal("0.5"), 3, 2, ws, null, "run-1")).get(0);
    }

    @Test
    void equalsIsExactUnlessNormalised() {
        assertThat(one(new Check.Equals("Paris", false, null), "Paris").passed()).isTrue();
        assertThat(one(new Check.Equals("Paris", false, null), "paris.").passed()).isFalse();
        assertThat(one(new Check.Equals("Paris", true, null), "  \"PARIS.\" ").passed()).isTrue();
        assertThat(one(new Check.Equals("new  york", true, null), "New York!").passed()).isTrue();
        CheckResult wrong = one(new Check.Equals("Paris", true, null), "Lyon");
        assertThat(wrong).isEqualTo(CheckResult.fail("equals", "expected 'Paris' (normalised), got 'Lyon'"));
    }

    @Test
    void aFieldIsReadFromTheJsonInTheOutputEvenWrappedInProse() {
        assertThat(one(new Check.Equals("42", false, "answer"), "Sure! ```json\n{\"answer\": 42}\n```").passed()).isTrue();
        assertThat(one(new Check.Equals("42", false, "answer"), "42"))
                .isEqualTo(CheckResult.fail("equals", "the output is not a JSON object, so it has no field 'answer': 42"));
        assertThat(one(new Check.Equals("42", false, "answer"), "{\"result\": 42}").detail())
                .isEqualTo("the output's JSON has no field 'answer': {\"result\": 42}");
    }

    @Test
    void regexNumberAndSchema() throws Exception {
        assertThat(one(new Check.Matches(Pattern.compile("\\b42\\b"), null), "It is 42.").passed()).isTrue();
        assertThat(one(new Check.Matches(Pattern.compile("\\b42\\b"), null), "It is 421.").passed()).isFalse();
        assertThat(one(new Check.Numeric(new BigDecimal("3.14"), new BigDecimal("0.01"), null), "About 3.141 I think").passed()).isTrue();
        assertThat(one(new Check.Numeric(new BigDecimal("1000"), null, null), "1,000 apples").passed()).isTrue();
        assertThat(one(new Check.Numeric(new BigDecimal("3.14"), new BigDecimal("0.001"), null), "3.2"))
                .isEqualTo(CheckResult.fail("number", "expected 3.14 ± 0.001, got 3.2"));
        assertThat(one(new Check.Numeric(BigDecimal.ONE, null, null), "none").detail()).isEqualTo("expected 1, but the answer has no number: 'none'");
        JsonNode schema = CadreJson.mapper().readTree("{\"type\":\"object\",\"required\":[\"answer\"],\"properties\":{\"answer\":{\"type\":\"integer\"}}}");
        assertThat(one(new Check.JsonSchema(schema, null), "{\"answer\": 4}").passed()).isTrue();
        CheckResult invalid = one(new Check.JsonSchema(schema, null), "{\"answer\": \"four\"}");
        assertThat(invalid.passed()).isFalse();
        assertThat(invalid.detail()).startsWith("the answer does not match the schema: ").contains("answer");
    }

    @Test
    void limitsAreCheckedOnWhatTheRunUsed() {
        assertThat(one(new Check.Limits(200L, new BigDecimal("1"), 3L, 2L), "x").passed()).isTrue();
        assertThat(one(new Check.Limits(100L, new BigDecimal("0.1"), 2L, 1L), "x"))
                .isEqualTo(CheckResult.fail("limits", "120 tokens > 100; cost 0.5 > 0.1; 3 steps > 2; 2 model calls > 1"));
    }

    @Test
    void filesChangedAndUnchangedCompareTheWorkspaceWithItsOriginal() throws Exception {
        Path original = Files.createDirectories(dir.resolve("original"));
        Files.createDirectories(original.resolve("src"));
        Files.createDirectories(original.resolve("tests"));
        Files.writeString(original.resolve("src/Calc.java"), "class Calc { int add(int a, int b) { return a - b; } }");
        Files.writeString(original.resolve("tests/CalcTest.java"), "class CalcTest {}");
        Path after = dir.resolve("after");
        WorkspaceFiles.copyFresh(original, after);
        assertThat(WorkspaceFiles.changed(original, after)).isEmpty();
        Files.writeString(after.resolve("src/Calc.java"), "class Calc { int add(int a, int b) { return a + b; } }");
        Files.writeString(after.resolve("src/Notes.txt"), "new");

        List<CheckResult> results = checks.run(List.of(new Check.FilesChanged(List.of("src/**")), new Check.FilesUnchanged(List.of("tests/**")),
                        new Check.FilesChanged(List.of("tests/**")), new Check.FilesUnchanged(List.of("src/*.java"))),
                new Checks.Outcome("", 0, BigDecimal.ZERO, 0, 0, after, original, "r"));

        assertThat(results).containsExactly(
                CheckResult.pass("files_changed", "changed: src/Calc.java, src/Notes.txt"),
                CheckResult.pass("files_unchanged", "nothing matching tests/** changed"),
                CheckResult.fail("files_changed", "no file matching tests/** changed (changed: src/Calc.java, src/Notes.txt)"),
                CheckResult.fail("files_unchanged", "changed although it must not: src/Calc.java"));
    }

    @Test
    void commandsRunInTheWorkspaceAfterwardsAndMustExitZero() throws Exception {
        Path ws = Files.createDirectories(dir.resolve("project"));
        Files.writeString(ws.resolve("Pass.java"), "class Pass { public static void main(String[] a) { System.out.println(\"ok\"); } }");
        Files.writeString(ws.resolve("Fail.java"), "class Fail { public static void main(String[] a) { System.out.println(\"1 test failed\"); System.exit(3); } }");
        Checks.Outcome outcome = new Checks.Outcome("", 0, BigDecimal.ZERO, 0, 0, ws, null, "r");

        assertThat(checks.run(List.of(new Check.CommandsPass(List.of("java Pass.java"))), outcome))
                .containsExactly(CheckResult.pass("commands_pass", "java Pass.java: exit code 0"));
        CheckResult failed = checks.run(List.of(new Check.CommandsPass(List.of("java Pass.java", "java Fail.java"))), outcome).get(0);
        assertThat(failed.passed()).isFalse();
        assertThat(failed.detail()).startsWith("'java Fail.java' exited with code 3.").contains("1 test failed");
    }
}
