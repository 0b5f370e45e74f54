package dev.cadre.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi;

/**
 * The texts {@link FastStart} prints, written by picocli from {@link Main}'s commands when the cli is built (the
 * cli's pom runs {@link #main} after compiling, into the classes directory): the usage and the version, each plain
 * and coloured. The resource names are relative to this package.
 */
public final class UsageTexts {

    static final String HELP = "usage.txt";
    static final String VERSION = "version.txt";

    private UsageTexts() {
    }

    /** The coloured variant's resource name. */
    static String ansi(String resource) {
        return resource.replace(".txt", "-ansi.txt");
    }

    /** What picocli prints for {@code cadre --help} (usage) or {@code cadre --version}, with or without colours. */
    static String text(String resource, boolean ansi) {
        CommandLine cli = new CommandLine(new Main());
        Ansi colours = ansi ? Ansi.ON : Ansi.OFF;
        if (resource.equals(HELP)) {
            return cli.getUsageMessage(colours);
        }
        StringBuilder version = new StringBuilder();
        for (String line : cli.getCommandSpec().version()) {
            version.append(colours.new Text(line, cli.getColorScheme())).append(System.lineSeparator());
        }
        return version.toString();
    }

    /** Writes the four texts into the directory {@code args[0]} (this package's directory in the classes). */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        for (String resource : new String[] {HELP, VERSION}) {
            Files.writeString(dir.resolve(resource), text(resource, false), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve(ansi(resource)), text(resource, true), StandardCharsets.UTF_8);
        }
    }
}
