package dev.cadre.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProjectTestsTest {

    @TempDir
    Path dir;

    String detected(Map<String, String> files) throws Exception {
        Path project = Files.createTempDirectory(dir, "p");
        for (Map.Entry<String, String> f : files.entrySet()) {
            Files.createDirectories(project.resolve(f.getKey()).getParent());
            Files.writeString(project.resolve(f.getKey()), f.getValue());
        }
        return ProjectTests.detect(project).map(d -> d.command() + " <- " + d.from()).orElse("none");
    }

    @Test
    void eachBuildToolsTestCommandIsToldFromItsFiles() throws Exception {
        assertThat(detected(Map.of("pom.xml", "<project/>"))).isEqualTo("mvn -q test <- pom.xml");
        assertThat(detected(Map.of("pom.xml", "<project/>", "mvnw", "#!/bin/sh"))).isEqualTo("./mvnw -q test <- pom.xml");
        assertThat(detected(Map.of("build.gradle.kts", "plugins {}", "gradlew", "#!/bin/sh"))).isEqualTo("./gradlew test <- build.gradle.kts");
        assertThat(detected(Map.of("build.gradle", "apply plugin: 'java'"))).isEqualTo("gradle test <- build.gradle");
        assertThat(detected(Map.of("package.json", "{\"scripts\": {\"build\": \"tsc\", \"test\": \"jest\"}}"))).isEqualTo("npm test <- package.json");
        assertThat(detected(Map.of("package.json", "{\"scripts\": {\"build\": \"tsc\"}}"))).isEqualTo("none");
        assertThat(detected(Map.of("Cargo.toml", "[package]"))).isEqualTo("cargo test <- Cargo.toml");
        assertThat(detected(Map.of("go.mod", "module x"))).isEqualTo("go test ./... <- go.mod");
        assertThat(detected(Map.of("pyproject.toml", "[tool.pytest.ini_options]"))).isEqualTo("pytest <- pyproject.toml");
        assertThat(detected(Map.of("tests/test_app.py", "def test_x(): pass"))).isEqualTo("pytest <- tests/test_*.py");
        assertThat(detected(Map.of("Makefile", "build:\n\tcc x.c\ntest: build\n\t./x\n"))).isEqualTo("make test <- Makefile");
        assertThat(detected(Map.of("README.md", "hello"))).isEqualTo("none");
    }

    @Test
    void aCommandNamingAFileTheWorkspaceLacksIsNotRunnableThere() throws Exception {
        assertThat(AllowedCommands.runnable("java tests/RunTests.java", dir)).isFalse();
        Files.createDirectories(dir.resolve("tests"));
        Files.writeString(dir.resolve("tests/RunTests.java"), "class RunTests {}");
        assertThat(AllowedCommands.runnable("java tests/RunTests.java", dir)).isTrue();
        assertThat(AllowedCommands.runnable("mvn -q test", dir)).isTrue();
    }
}
