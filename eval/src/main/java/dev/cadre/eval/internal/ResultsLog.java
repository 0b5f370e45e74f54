package dev.cadre.eval.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cadre.api.CadreJson;
import dev.cadre.eval.RunKey;
import dev.cadre.eval.RunRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code results.jsonl} in an eval's directory: one line per finished run, appended when it finishes, so an eval that
 * was interrupted does not run it again. A line cut off by a kill is ignored (that run runs again, resumed from its
 * journal). The eval file's digest is kept beside it ({@code eval.sha256}): results of another version are not reused.
 */
public final class ResultsLog {

    private static final ObjectMapper JSON = CadreJson.mapper();

    private final Path file;

    private ResultsLog(Path file) {
        this.file = file;
    }

    /** The log in {@code directory}, checked to belong to the eval with digest {@code evalSha256}. */
    public static ResultsLog open(Path directory, String evalSha256, String evalSource) {
        try {
            Files.createDirectories(directory);
            Path digest = directory.resolve("eval.sha256");
            if (Files.exists(digest)) {
                String before = Files.readString(digest).strip();
                if (!before.equals(evalSha256)) {
                    throw new IllegalArgumentException("The results in " + directory + " were made from another version of " + evalSource
                            + " (sha256 " + before.substring(0, Math.min(12, before.length())) + ", now " + evalSha256.substring(0, 12)
                            + "): remove that directory or choose another one (--out) to run the eval afresh.");
                }
            } else {
                Files.writeString(digest, evalSha256 + "\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare the eval directory " + directory + ": " + e.getMessage(), e);
        }
        ResultsLog log = new ResultsLog(directory.resolve("results.jsonl"));
        log.endTornLine();
        return log;
    }

    /** Ends a line cut off by a kill, so the next record starts a line of its own. */
    private void endTornLine() {
        try {
            if (Files.exists(file) && Files.size(file) > 0) {
                byte[] bytes = Files.readAllBytes(file);
                if (bytes[bytes.length - 1] != '\n') {
                    Files.writeString(file, "\n", StandardOpenOption.APPEND);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot repair " + file + ": " + e.getMessage(), e);
        }
    }

    /** The runs already finished, by key (the last line wins). */
    public Map<RunKey, RunRecord> finished() {
        Map<RunKey, RunRecord> done = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return done;
        }
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (String line : lines) {
                if (line.isBlank()) {
                    continue;
                }
                try {
                    RunRecord record = JSON.readValue(line, RunRecord.class);
                    done.put(record.key(), record);
                } catch (IOException torn) {
                    // a line cut off by a kill: that run is not finished
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file + ": " + e.getMessage(), e);
        }
        return done;
    }

    public synchronized void append(RunRecord record) {
        try {
            Files.writeString(file, JSON.writeValueAsString(record) + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
