import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** Compiles src/ and tests/ with the JDK's compiler and runs CalculatorTest's test methods: java tests/RunTests.java */
public final class RunTests {
    public static void main(String[] args) throws Exception {
        Path out = Files.createTempDirectory("calculator-tests");
        List<String> sources = new ArrayList<>();
        try (Stream<Path> files = Stream.concat(Files.list(Path.of("src")), Stream.of(Path.of("tests", "CalculatorTest.java")))) {
            files.filter(f -> f.toString().endsWith(".java")).sorted().forEach(f -> sources.add(f.toString()));
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> command = new ArrayList<>(List.of("-d", out.toString()));
        command.addAll(sources);
        if (javac.run(null, null, null, command.toArray(String[]::new)) != 0) {
            System.out.println("COMPILATION FAILED");
            System.exit(2);
        }
        int passed = 0;
        int failed = 0;
        try (URLClassLoader loader = new URLClassLoader(new URL[] {out.toUri().toURL()})) {
            Class<?> tests = loader.loadClass("CalculatorTest");
            Method[] methods = tests.getMethods();
            Arrays.sort(methods, Comparator.comparing(Method::getName));
            for (Method m : methods) {
                if (!m.getName().startsWith("test")) {
                    continue;
                }
                try {
                    m.invoke(tests.getDeclaredConstructor().newInstance());
                    System.out.println("PASS " + m.getName());
                    passed++;
                } catch (InvocationTargetException e) {
                    System.out.println("FAIL " + m.getName() + ": " + e.getCause().getMessage());
                    failed++;
                }
            }
        } finally {
            try (Stream<Path> walk = Files.walk(out)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temporary directory
            }
        }
        System.out.println(passed + " passed, " + failed + " failed");
        System.exit(failed == 0 ? 0 : 1);
    }
}
