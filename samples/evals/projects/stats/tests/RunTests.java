import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import javax.tools.ToolProvider;

/** Compiles src/Stats.java and checks it: java tests/RunTests.java (exit code 1 when a check fails). */
public final class RunTests {

    private static int failed;
    private static int passed;

    public static void main(String[] args) throws Exception {
        Path classes = Files.createTempDirectory("stats-tests");
        if (ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(), "src/Stats.java") != 0) {
            System.out.println("COMPILATION FAILED");
            System.exit(2);
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()})) {
            Class<?> stats = loader.loadClass("Stats");
            Method median = stats.getMethod("median", int[].class);
            Method range = stats.getMethod("range", int[].class);
            expect("median of an odd count", median.invoke(null, (Object) new int[] {3, 1, 2}), 2.0);
            expect("median of an even count", median.invoke(null, (Object) new int[] {4, 1, 3, 2}), 2.5);
            expect("median of one value", median.invoke(null, (Object) new int[] {7}), 7.0);
            expect("range", range.invoke(null, (Object) new int[] {5, -2, 9}), 11);
        }
        System.out.println(passed + " passed, " + failed + " failed");
        System.exit(failed == 0 ? 0 : 1);
    }

    private static void expect(String name, Object actual, Object expected) {
        if (Objects.equals(actual, expected)) {
            passed++;
        } else {
            failed++;
            System.out.println("FAILED " + name + ": expected " + expected + ", got " + actual);
        }
    }
}
