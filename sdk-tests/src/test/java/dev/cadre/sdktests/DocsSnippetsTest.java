package dev.cadre.sdktests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.testkit.Reply;
import dev.cadre.testkit.ScriptedModel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.lang.reflect.Field;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every Java snippet of README.md and docs/ compiles against the current API, and the runnable ones finish on a
 * ScriptedModel: a snippet can no longer drift from the API, and none hangs.
 */
class DocsSnippetsTest {

    static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    static final Duration RUN_LIMIT = Duration.ofSeconds(60);

    /** One JSON answer every agent of the docs' crews accepts: a reviewer's verdict, a judge's answer, a writer's text. */
    static final String ANSWER = "{\"verdict\":\"APPROVED\",\"feedback\":\"fine\",\"answer\":\"yes\",\"reasons\":\"r\"}";

    @TempDir
    static Path work;

    /** Each page compiled once: its classes directory. */
    static final Map<Path, Path> COMPILED = new ConcurrentHashMap<>();

    static List<Path> pages() throws Exception {
        List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> docs = Files.walk(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        return pages;
    }

    static String classpath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }

    /** The page's snippets compiled together (a page's snippets may use each other's classes), once. */
    static Path compiled(Snippets page) throws Exception {
        Path out = COMPILED.get(page.page());
        if (out == null) {
            out = Files.createDirectories(work.resolve("classes-" + COMPILED.size() + "-" + page.page().getFileName()));
            compile(page, out);
            COMPILED.put(page.page(), out);
        }
        return out;
    }

    static void compile(Snippets page, Path out) throws Exception {
        Path src = Files.createDirectories(out.resolveSibling(out.getFileName() + "-src"));
        List<String> args = new ArrayList<>(List.of("-d", out.toString(), "-cp", classpath(), "-proc:none", "-nowarn",
                "--release", "17"));
        for (Snippets.Snippet s : page.snippets()) {
            Path file = src.resolve(s.className() + ".java");
            Files.writeString(file, s.source());
            args.add(file.toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int rc = javac.run(null, errors, errors, args.toArray(String[]::new));
        assertThat(rc).as("the Java snippets of " + ROOT.relativize(page.page()) + " compile:\n"
                + errors.toString(StandardCharsets.UTF_8)).isZero();
    }

    @TestFactory
    Stream<DynamicTest> everyJavaSnippetCompiles() throws Exception {
        return pages().stream().map(Snippets::of).filter(p -> !p.snippets().isEmpty())
                .map(page -> DynamicTest.dynamicTest(ROOT.relativize(page.page()).toString(), () -> compiled(page)));
    }

    @TestFactory
    Stream<DynamicTest> everyRunnableSnippetFinishesOnAScriptedModel() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path p : pages()) {
            Snippets page = Snippets.of(p);
            for (Snippets.Snippet s : page.snippets()) {
                if (s.runnable()) {
                    tests.add(DynamicTest.dynamicTest(s.where(), () -> run(page, s, RUN_LIMIT)));
                }
            }
        }
        return tests.stream();
    }

    @Test
    void theReadmeAndTheGettingStartedPageHaveRunnableSnippets() throws Exception {
        assertThat(Snippets.of(ROOT.resolve("README.md")).snippets()).anyMatch(Snippets.Snippet::runnable);
        assertThat(Snippets.of(ROOT.resolve("docs/getting-started.md")).snippets()).anyMatch(Snippets.Snippet::runnable);
        assertThat(Snippets.of(ROOT.resolve("docs/java-api.md")).snippets()).filteredOn(Snippets.Snippet::runnable).hasSizeGreaterThan(3);
    }

    /**
     * The snippet the getting-started page had: a read-only gate, then {@code block()} at the first review. The
     * harness reports it as hanging instead of hanging itself.
     */
    @Test
    void aSnippetThatWaitsForeverIsReportedAsHanging() throws Exception {
        Path page = work.resolve("hangs.md");
        Files.writeString(page, """
                <!-- runnable -->
                ```java
                Orchestrator orchestrator = Orchestrator.builder().models(ModelRegistry.of("openai:gpt-4.1-mini", model))
                        .gate(HumanGate.approveReadOnly()).runsDirectory(runsDir).build();
                Agent writer = Agent.of(Persona.builder("writer").role("Writer").build());
                Crew crew = Crew.of("c", Step.work(writer, Task.of("post", "Write.")).reviewed(Review.afterWork()));
                RunResult result = orchestrator.run(crew, Task.of("go", "Go.")).result().block();
                ```
                """);
        Snippets snippets = Snippets.of(page);
        assertThatThrownBy(() -> run(snippets, snippets.snippets().get(0), Duration.ofSeconds(3)))
                .isInstanceOf(AssertionError.class).hasMessage("hangs.md:2 did not finish within PT3S: it hangs");
    }

    static void run(Snippets page, Snippets.Snippet snippet, Duration limit) throws Exception {
        Path out = compiled(page);
        try (URLClassLoader loader = new URLClassLoader(new URL[] {out.toUri().toURL()}, DocsSnippetsTest.class.getClassLoader())) {
            Object instance = loader.loadClass(snippet.className()).getConstructor().newInstance();
            set(instance, "model", ScriptedModel.builder().when(request -> true, Reply.text(ANSWER)).build());
            set(instance, "projectDir", Files.createDirectories(work.resolve("project-" + snippet.className())));
            set(instance, "runsDir", Files.createDirectories(work.resolve("runs-" + snippet.className())));
            ExecutorService executor = Executors.newSingleThreadExecutor();
            try {
                Future<?> done = executor.submit(() -> {
                    instance.getClass().getMethod("run").invoke(instance);
                    return null;
                });
                try {
                    done.get(limit.toMillis(), TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    throw new AssertionError(snippet.where() + " did not finish within " + limit + ": it hangs", e);
                }
            } finally {
                executor.shutdownNow();
            }
        }
    }

    static void set(Object instance, String field, Object value) throws Exception {
        Field f = instance.getClass().getField(field);
        f.set(instance, value);
    }
}
