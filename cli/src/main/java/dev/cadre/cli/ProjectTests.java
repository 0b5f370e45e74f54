package dev.cadre.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * How a project runs its tests, told from its build files: Maven, Gradle, npm, pytest, Go, Cargo or a Makefile
 * {@code test} target (the wrappers {@code mvnw} and {@code gradlew} when the project has them). The crews that run
 * tests propose it as their one allowed command; the user confirms it or passes {@code --allow}.
 */
final class ProjectTests {

    private static final Pattern MAKE_TEST = Pattern.compile("(?m)^test\\s*:");
    private static final Pattern NPM_TEST = Pattern.compile("\"scripts\"\\s*:\\s*\\{[^}]*\"test\"\\s*:");

    private ProjectTests() {}

    /** The command that runs {@code project}'s tests, with what it was told from ("pom.xml"), or empty. */
    static Optional<Detected> detect(Path project) {
        if (Files.isRegularFile(project.resolve("pom.xml"))) {
            return found(Files.isRegularFile(project.resolve("mvnw")) ? "./mvnw -q test" : "mvn -q test", "pom.xml");
        }
        for (String gradle : new String[] {"build.gradle.kts", "build.gradle"}) {
            if (Files.isRegularFile(project.resolve(gradle))) {
                return found(Files.isRegularFile(project.resolve("gradlew")) ? "./gradlew test" : "gradle test", gradle);
            }
        }
        if (Files.isRegularFile(project.resolve("package.json")) && NPM_TEST.matcher(read(project.resolve("package.json"))).find()) {
            return found("npm test", "package.json");
        }
        if (Files.isRegularFile(project.resolve("Cargo.toml"))) {
            return found("cargo test", "Cargo.toml");
        }
        if (Files.isRegularFile(project.resolve("go.mod"))) {
            return found("go test ./...", "go.mod");
        }
        for (String python : new String[] {"pytest.ini", "pyproject.toml", "setup.cfg", "tox.ini"}) {
            Path file = project.resolve(python);
            if (Files.isRegularFile(file) && (python.equals("pytest.ini") || read(file).contains("pytest"))) {
                return found("pytest", python);
            }
        }
        if (Files.isRegularFile(project.resolve("Makefile")) && MAKE_TEST.matcher(read(project.resolve("Makefile"))).find()) {
            return found("make test", "Makefile");
        }
        if (Files.isDirectory(project.resolve("tests")) && hasPythonTests(project.resolve("tests"))) {
            return found("pytest", "tests/test_*.py");
        }
        return Optional.empty();
    }

    /** A detected test command and the file it was told from. */
    record Detected(String command, String from) {}

    private static Optional<Detected> found(String command, String from) {
        return Optional.of(new Detected(command, from));
    }

    private static boolean hasPythonTests(Path tests) {
        try (Stream<Path> files = Files.list(tests)) {
            return files.anyMatch(f -> f.getFileName().toString().matches("test_.*\\.py|.*_test\\.py"));
        } catch (IOException e) {
            return false;
        }
    }

    private static String read(Path file) {
        try {
            return Files.size(file) > 1_000_000 ? "" : Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }
}
