package dev.cadre.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line is built with only the subcommand the arguments name, and whole for the usage. */
class MainCommandLineTest {

    @Test
    void aSubcommandNamedFirstIsTheOnlyOneBuilt() {
        CommandLine cli = Main.commandLine("mcp", "--stdio");
        assertThat(cli.getSubcommands()).containsOnlyKeys("mcp");
        assertThat(cli.getCommandName()).isEqualTo("cadre");
        assertThat(cli.getCommandSpec().version()).containsExactly("cadre 0.1.0-SNAPSHOT");
        assertThat(Main.commandLine("personas", "list").getSubcommands()).containsOnlyKeys("personas");
    }

    @Test
    void theUsageAndUnknownCommandsSeeThemAll() {
        CommandLine full = Main.commandLine("--help");
        assertThat(full.getSubcommands()).containsKeys("demo", "run", "eval", "runs", "replay", "mcp", "console", "personas", "crews");
        assertThat(Main.commandLine().getSubcommands()).containsOnlyKeys(full.getSubcommands().keySet().toArray(String[]::new));
        assertThat(Main.commandLine("nope").getSubcommands()).hasSameSizeAs(full.getSubcommands());
        assertThat(Main.commandLine("--stdio", "mcp").getSubcommands()).hasSameSizeAs(full.getSubcommands());
    }

    @Test
    void theLazyCommandLineParsesAndHelpsAsTheFullOne() {
        for (String[] args : new String[][] {{"mcp", "--help"}, {"mcp", "--no-such-option"}, {"personas", "--help"}}) {
            assertThat(execute(Main.commandLine(args), args)).isEqualTo(execute(new CommandLine(new Main()), args));
        }
        assertThat(execute(Main.commandLine("mcp", "--help"), "mcp", "--help")).startsWith("0 Usage: cadre mcp ").contains("--stdio");
        assertThat(execute(Main.commandLine("mcp", "--no-such-option"), "mcp", "--no-such-option"))
                .startsWith("2 ").contains("Unknown option: '--no-such-option'");
    }

    /** The exit code, stdout and stderr of one execution. */
    private static String execute(CommandLine cli, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return exit + " " + out + "|" + err;
    }
}
