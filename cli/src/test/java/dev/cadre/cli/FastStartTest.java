package dev.cadre.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi;

/** {@code cadre --help} and {@code --version} answered without picocli print what picocli prints. */
class FastStartTest {

    @Test
    void helpAndVersionAreWhatPicocliPrintsPlainAndColoured() {
        for (String arg : List.of("--help", "-h", "--version", "-V")) {
            String plain = FastStart.answer(new String[] {arg}, Map.of(), false);
            String coloured = FastStart.answer(new String[] {arg}, Map.of(), true);
            assertThat(plain).as(arg).isEqualTo(picocli(Ansi.OFF, arg)).isNotBlank();
            assertThat(coloured).as(arg).isEqualTo(picocli(Ansi.ON, arg));
        }
        assertThat(FastStart.answer(new String[] {"--help"}, Map.of(), false)).startsWith("Usage: cadre ").contains("mcp", "run");
        assertThat(FastStart.answer(new String[] {"--help"}, Map.of(), true)).contains("\u001B[");
        assertThat(FastStart.answer(new String[] {"--version"}, Map.of(), false)).isEqualTo("cadre 0.1.0-SNAPSHOT" + System.lineSeparator());
    }

    @Test
    void everythingElseGoesToPicocli() {
        for (String[] args : new String[][] {{}, {"mcp"}, {"--help", "mcp"}, {"mcp", "--help"}, {"--helpx"}, {"-hV"}}) {
            assertThat(FastStart.answer(args, Map.of(), false)).as(String.join(" ", args)).isNull();
        }
    }

    @Test
    void coloursFollowPicocliRules() {
        assertThat(FastStart.ansi(Map.of(), true, "Linux", null)).isTrue();
        assertThat(FastStart.ansi(Map.of(), false, "Linux", null)).isFalse();
        assertThat(FastStart.ansi(Map.of("NO_COLOR", ""), true, "Linux", null)).isFalse();
        assertThat(FastStart.ansi(Map.of("NO_COLOR", "1", "CLICOLOR_FORCE", "1"), true, "Linux", null)).isFalse();
        assertThat(FastStart.ansi(Map.of("CLICOLOR_FORCE", "1"), false, "Mac OS X", null)).isTrue();
        assertThat(FastStart.ansi(Map.of("CLICOLOR_FORCE", "0"), false, "Linux", null)).isFalse();
        assertThat(FastStart.ansi(Map.of("CLICOLOR", "0"), true, "Linux", null)).isFalse();
        assertThat(FastStart.ansi(Map.of("ConEmuANSI", "OFF"), true, "Linux", null)).isFalse();
        assertThat(FastStart.ansi(Map.of(), true, "Windows 11", null)).isNull();
        assertThat(FastStart.ansi(Map.of(), true, "Linux", "false")).isNull();
    }

    @Test
    void theHelpLoadsNoPicocliAndNoCommand() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-verbose:class",
                "-cp", System.getProperty("java.class.path"), "dev.cadre.cli.FastStart", "--help")
                .redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("Usage: cadre ").contains("dev.cadre.cli.FastStart")
                .doesNotContain("picocli.").doesNotContain("dev.cadre.cli.Main ").doesNotContain("dev.cadre.cli.McpCommand");
    }

    /** What picocli prints for {@code cadre arg} with these colours. */
    private static String picocli(Ansi ansi, String arg) {
        CommandLine cli = Main.commandLine(arg);
        cli.setColorScheme(CommandLine.Help.defaultColorScheme(ansi));
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(new StringWriter()));
        assertThat(cli.execute(arg)).isZero();
        return out.toString();
    }
}
