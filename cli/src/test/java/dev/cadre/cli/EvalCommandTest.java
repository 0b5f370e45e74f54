package dev.cadre.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalCommandTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream originalErr;

    @BeforeEach
    void capture() {
        originalErr = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setErr(originalErr);
    }

    @Test
    void baselinesAreAddedBesideEachCrewAndACassetteMustHoldTheirRuns() throws Exception {
        Files.writeString(dir.resolve("q.yaml"), EvalCommandProcessTest.EVAL);
        Files.createDirectories(dir.resolve("cassette"));

        int exit = Main.run("eval", dir.resolve("q.yaml").toString(), "--crew", "debate", "--baselines", "--replay", dir.resolve("cassette").toString(),
                "--out", dir.resolve("out").toString());

        assertThat(exit).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("has no recording of case 'mul' on crew 'debate' #1 (and 2 more runs)");
    }

    @Test
    void recordAndReplayExcludeEachOther() throws Exception {
        Files.writeString(dir.resolve("q.yaml"), EvalCommandProcessTest.EVAL);
        Files.createDirectories(dir.resolve("cassette"));

        int exit = Main.run("eval", dir.resolve("q.yaml").toString(), "--crew", "debate", "--record", "x", "--replay", dir.resolve("cassette").toString());

        assertThat(exit).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8).strip())
                .isEqualTo("cadre: --record and --replay exclude each other: record with a model, then replay without one.");
    }
}
