package dev.cadre.sdktests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new user's project: a fresh Maven project that imports cadre-bom and depends on cadre-core (and cadre-testkit for
 * its test), built against the artifacts this reactor installs into a temporary local repository (the user's ~/.m2
 * is only read, for third-party artifacts, and never written). Cadre's artifacts exist nowhere else, so the project
 * can only have them from what was installed; Maven runs online only so that a fresh machine, whose ~/.m2 lacks the
 * install and dependency plugins the main build never uses, can fetch them (into the temporary repository). Its test is the README's Java example,
 * run on ScriptedModel; the enforcer's dependencyConvergence must pass, and Jackson comes out as one version.
 */
class ConsumerProjectTest {

    static final Path ROOT = DocsSnippetsTest.ROOT;
    static final String VERSION = System.getProperty("cadre.version", "0.1.0-SNAPSHOT");
    static final long MAVEN_MINUTES = 4;

    @TempDir
    Path work;

    @Test
    void aFreshProjectWithTheBomAndCadreCoreBuildsRunsTheReadmeExampleAndConverges() throws Exception {
        Path repo = work.resolve("repo");
        Path userRepo = Path.of(System.getProperty("user.home"), ".m2", "repository");
        List<String> repos = List.of("-Dmaven.repo.local=" + repo, "-Dmaven.repo.local.tail=" + userRepo);

        // 1. install this reactor's BOM, cadre-core and testkit (and what they need) into the temporary repository
        maven(ROOT, repos, "install", "-DskipTests", "-Denforcer.skip", "-pl", "bom,core,testkit", "-am");

        // 2. a fresh project: the BOM, cadre-core, testkit in test scope; the README example as its test
        Path project = Files.createDirectories(work.resolve("consumer"));
        Files.writeString(project.resolve("pom.xml"), pom());
        Path test = Files.createDirectories(project.resolve("src/test/java/com/example"));
        Files.writeString(test.resolve("ReadmeExampleTest.java"), readmeExampleTest());

        String build = maven(project, repos, "verify", "dependency:list", "-DoutputFile=deps.txt", "-DappendOutput=false");

        String output = Files.readString(project.resolve("target/surefire-reports/com.example.ReadmeExampleTest-output.txt"));
        assertThat(output).as("SLF4J logs through slf4j-simple, with no warning").contains("INFO com.example - verdict: Verdict[")
                .doesNotContain("SLF4J(W)");
        assertThat(Files.readString(project.resolve("target/surefire-reports/com.example.ReadmeExampleTest.txt")))
                .contains("Tests run: 1, Failures: 0, Errors: 0");
        // Jackson from one BOM: 2.22.4 for every artifact but jackson-annotations, which Jackson versions 2.22 since 2.20.
        List<String> jackson = Files.readAllLines(project.resolve("deps.txt")).stream().map(String::strip)
                .filter(l -> l.startsWith("com.fasterxml.jackson")).map(l -> l.split(" ")[0].replaceAll(":jar:", ":").replaceAll(":[a-z]+$", ""))
                .sorted().toList();
        assertThat(jackson).as("Jackson in the consumer project").isNotEmpty()
                .allMatch(a -> a.endsWith(":2.22.4") || a.equals("com.fasterxml.jackson.core:jackson-annotations:2.22"));
        assertThat(build).doesNotContain("Dependency convergence error");
    }

    static String pom() {
        return """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>com.example</groupId><artifactId>consumer</artifactId><version>1</version>
                  <properties>
                    <maven.compiler.release>17</maven.compiler.release>
                    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
                  </properties>
                  <dependencyManagement><dependencies>
                    <dependency><groupId>dev.cadre</groupId><artifactId>cadre-bom</artifactId><version>VERSION</version><type>pom</type><scope>import</scope></dependency>
                  </dependencies></dependencyManagement>
                  <dependencies>
                    <dependency><groupId>dev.cadre</groupId><artifactId>cadre-core</artifactId></dependency>
                    <dependency><groupId>dev.cadre</groupId><artifactId>cadre-testkit</artifactId><scope>test</scope></dependency>
                    <dependency><groupId>org.junit.jupiter</groupId><artifactId>junit-jupiter</artifactId><version>5.14.4</version><scope>test</scope></dependency>
                  </dependencies>
                  <build><plugins>
                    <plugin><artifactId>maven-compiler-plugin</artifactId><version>3.14.1</version></plugin>
                    <plugin><artifactId>maven-resources-plugin</artifactId><version>3.3.1</version></plugin>
                    <plugin><artifactId>maven-jar-plugin</artifactId><version>3.4.2</version></plugin>
                    <plugin><artifactId>maven-dependency-plugin</artifactId><version>3.11.0</version></plugin>
                    <plugin><artifactId>maven-surefire-plugin</artifactId><version>3.5.4</version>
                      <configuration><redirectTestOutputToFile>true</redirectTestOutputToFile></configuration></plugin>
                    <plugin><artifactId>maven-enforcer-plugin</artifactId><version>3.6.2</version>
                      <executions><execution><id>enforce</id><goals><goal>enforce</goal></goals>
                        <configuration><rules><dependencyConvergence/></rules></configuration></execution></executions></plugin>
                  </plugins></build>
                </project>
                """.replace("VERSION", VERSION);
    }

    /** The README's runnable Java snippet, as the body of a JUnit test with a ScriptedModel and a temporary project. */
    static String readmeExampleTest() {
        Snippets.Snippet readme = Snippets.of(ROOT.resolve("README.md")).snippets().stream().filter(Snippets.Snippet::runnable)
                .findFirst().orElseThrow();
        String code = readme.source().substring(readme.source().indexOf("public void run() throws Exception {") + 36);
        code = code.substring(0, code.lastIndexOf("}", code.lastIndexOf("}") - 1));
        // only what cadre-core and cadre-testkit hold, and the libraries they bring
        List<String> inCore = List.of("dev.cadre.api.", "dev.cadre.core.", "dev.cadre.orchestrator.", "dev.cadre.personas.",
                "dev.cadre.tools.", "dev.cadre.testkit.", "java.", "com.fasterxml.", "dev.langchain4j.model.chat.",
                "dev.langchain4j.agent.", "org.slf4j.");
        String imports = readme.source().lines().filter(l -> l.startsWith("import ") && !l.contains(".conformance.")
                        && inCore.stream().anyMatch(p -> l.startsWith("import " + p) || l.startsWith("import static " + p)))
                .collect(Collectors.joining("\n"));
        return "package com.example;\n\n" + imports + "\nimport org.junit.jupiter.api.Test;\nimport org.junit.jupiter.api.io.TempDir;\n"
                + "\nclass ReadmeExampleTest {\n"
                + "    @Test\n    void theReadmeExampleRuns(@TempDir Path projectDir) throws Exception {\n"
                + "        ChatModel model = ScriptedModel.builder().when(request -> true, Reply.text(\""
                + DocsSnippetsTest.ANSWER.replace("\"", "\\\"") + "\")).build();\n"
                + code
                + "\n        if (!\"APPROVED\".equals(verdict.verdict())) throw new AssertionError(verdict);"
                + "\n        org.slf4j.LoggerFactory.getLogger(\"com.example\").info(\"verdict: {}\", verdict);\n    }\n}\n";
    }

    /** Runs this checkout's Maven wrapper in {@code dir}; fails with its output when it fails. */
    String maven(Path dir, List<String> repos, String... goals) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(ROOT.resolve("mvnw").toString(), "-B", "-ntp", "-q"));
        command.addAll(repos);
        command.addAll(List.of(goals));
        Path log = Files.createTempFile(work, "maven", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("CADRE_STATE_DIR", work.resolve("cadre-state").toString());
        builder.environment().remove("MAVEN_ARGS");
        Process process = builder.start();
        if (!process.waitFor(MAVEN_MINUTES, TimeUnit.MINUTES)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError("Maven did not finish within " + MAVEN_MINUTES + " minutes in " + dir);
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("mvn " + String.join(" ", goals) + " in " + dir + ":\n" + output).isZero();
        return output;
    }

}
