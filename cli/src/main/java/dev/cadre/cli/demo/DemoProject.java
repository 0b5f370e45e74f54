package dev.cadre.cli.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The small project {@code cadre demo} works on: a calculator with one failing test, run by the JDK alone. */
public final class DemoProject {

    /** The command the project's tests run with. */
    public static final String TEST_COMMAND = "java tests/RunTests.java";

    private DemoProject() {}

    /**
     * Copies the bundled calculator project (one failing test) into {@code target}, which must be empty or absent, and
     * makes it a git repository with the original files committed (when git is installed), so a diff shows changes.
     */
    public static Path copyTo(Path target) {
        try {
            Files.createDirectories(target.resolve("src"));
            Files.createDirectories(target.resolve("tests"));
            for (String file : List.of("README.md", "src/Calculator.java", "tests/CalculatorTest.java", "tests/RunTests.java")) {
                try (InputStream in = DemoProject.class.getResourceAsStream("projects/calculator/" + file)) {
                    Files.copy(in, target.resolve(file));
                }
            }
            gitInit(target);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot copy the sample project to " + target + ": " + e.getMessage(), e);
        }
    }

    private static void gitInit(Path project) {
        try {
            for (List<String> cmd : List.of(List.of("git", "init", "-q"), List.of("git", "add", "."),
                    List.of("git", "-c", "user.name=cadre", "-c", "user.email=samples@cadre.invalid", "commit", "-q", "-m", "original"))) {
                Process p = new ProcessBuilder(cmd).directory(project.toFile()).redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
                    return;
                }
            }
        } catch (IOException e) {
            // no git: the reviewer reads the files instead of the diff
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
