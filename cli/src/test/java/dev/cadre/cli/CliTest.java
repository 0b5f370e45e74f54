package dev.cadre.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.RunEvent;
import dev.cadre.api.journal.JournalReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {

    @TempDir
    Path runs;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream originalOut;
    private PrintStream originalErr;

    @BeforeEach
    void capture() {
        originalOut = System.out;
        originalErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(originalOut);
        System.setErr(originalErr);
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void demoRunsAnAgentWithARealToolAndJournalsIt() throws Exception {
        assertThat(Main.run("demo", "--runs", runs.toString())).isZero();
        String printed = stdout();
        assertThat(printed).contains("tool text_stats returned: {\"words\":14,\"characters\":89,\"sentences\":1}")
                .contains("Output:  The text has 14 words and 89 characters.");

        Path journal;
        try (Stream<Path> files = Files.list(runs)) {
            journal = files.filter(p -> p.toString().endsWith(".jsonl")).findFirst().orElseThrow();
        }
        List<RunEvent> events = JournalReader.read(journal).events();
        assertThat(events.get(0)).isInstanceOf(RunEvent.RunStarted.class);
        assertThat(events.get(events.size() - 1)).isInstanceOfSatisfying(RunEvent.RunFinished.class,
                e -> assertThat(e.output()).isEqualTo("The text has 14 words and 89 characters."));

        out.reset();
        assertThat(Main.run("replay", journal.toString())).isZero();
        String replayed = stdout();
        String live = printed.substring(0, printed.indexOf("\nOutput:"));
        assertThat(replayed.strip()).isEqualTo(live.strip());
    }

    @Test
    void demoCanPrintEventsAsJsonLines() {
        assertThat(Main.run("demo", "--json", "--runs", runs.toString())).isZero();
        List<String> lines = stdout().lines().toList();
        assertThat(lines).hasSize(10).allSatisfy(l -> assertThat(l).startsWith("{\"type\":"));
    }

    @Test
    void replayOfAMissingJournalIsOneClearSentence() {
        Path missing = runs.resolve("nope.jsonl");
        assertThat(Main.run("replay", missing.toString())).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8).strip()).isEqualTo("cadre: Journal " + missing + " does not exist.");
    }

    @Test
    void unknownOptionsAreUsageErrors() {
        assertThat(Main.run("demo", "--bogus")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Unknown option: '--bogus'");
    }
}
