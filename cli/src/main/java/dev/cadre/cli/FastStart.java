package dev.cadre.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The jar's entry point: answers {@code cadre --help} and {@code cadre --version} (and {@code -h}, {@code -V}) from
 * texts picocli wrote when the cli was built ({@link UsageTexts}), without loading picocli or any command; everything
 * else goes to {@link Main}. Picocli's reflective model of all the commands, whose classes the class-data-sharing
 * archive cannot hold (they are Java 5 class files), was most of the time {@code cadre --help} took.
 *
 * <p>Picocli colours its usage on a terminal; the stored texts are both variants, and which one picocli would print
 * is decided here by picocli's own rules on Linux and macOS ({@link #ansi}). Where those rules need more than the
 * environment and the console (on Windows, or with {@code -Dpicocli.ansi} or {@code -Dpicocli.usage.width} set), the
 * command goes to picocli.
 */
public final class FastStart {

    private FastStart() {
    }

    public static void main(String[] args) {
        String text = answer(args, System.getenv(), System.console() != null);
        if (text == null) {
            Main.main(args);
            return;
        }
        PrintStream out = System.out;
        out.print(text);
        out.flush();
    }

    /**
     * What {@code cadre args} prints when it is a help or version request answered here, or null when it goes to
     * picocli. {@code console}: whether the JVM has a console (picocli's test for a terminal).
     */
    static String answer(String[] args, Map<String, String> env, boolean console) {
        if (args.length != 1 || System.getProperty("picocli.usage.width") != null) {
            return null;
        }
        String resource = switch (args[0]) {
            case "--help", "-h" -> UsageTexts.HELP;
            case "--version", "-V" -> UsageTexts.VERSION;
            default -> null;
        };
        if (resource == null) {
            return null;
        }
        Boolean ansi = ansi(env, console, System.getProperty("os.name", ""), System.getProperty("picocli.ansi"));
        return ansi == null ? null : read(ansi ? UsageTexts.ansi(resource) : resource);
    }

    /**
     * Whether picocli 4.7 would colour its output ({@code Help.Ansi.AUTO.enabled()}), or null when that takes more
     * than these inputs (Windows, or the {@code picocli.ansi} property set).
     */
    static Boolean ansi(Map<String, String> env, boolean console, String osName, String ansiProperty) {
        if (ansiProperty != null || osName.toLowerCase(java.util.Locale.ROOT).startsWith("win")) {
            return null;
        }
        if (env.get("NO_COLOR") != null) {
            return false;
        }
        String force = env.get("CLICOLOR_FORCE");
        if (force != null && !force.equals("0")) {
            return true;
        }
        if ("0".equals(env.get("CLICOLOR")) || "OFF".equals(env.get("ConEmuANSI"))) {
            return false;
        }
        return console;
    }

    /** A stored text; null when the jar has none (a build that skipped writing them: picocli answers). */
    private static String read(String resource) {
        try (InputStream in = FastStart.class.getResourceAsStream(resource)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
