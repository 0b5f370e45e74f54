package dev.cadre.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.personas.BuiltInCrews;
import dev.cadre.personas.ConfigException;
import dev.cadre.personas.CrewLoader;
import dev.cadre.personas.PersonaLibrary;
import dev.cadre.tools.StandardTools;
import dev.cadre.tools.Workspace;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile crew files: the sample crews mutated thousands of ways (lines dropped, duplicated, swapped, re-indented,
 * truncated; values replaced with junk, anchors, aliases, tags, huge numbers; keys misspelt). Every input either loads
 * or fails with a {@link ConfigException} naming the file, within a second: never another exception, never a hang.
 */
class CrewFileFuzzTest {

    /** 3 seeds x 3,400 = 10,200 inputs; {@code -Dfuzz.perSeed=N -Dfuzz.seed=S} for a longer or different soak. */
    private static final int MUTATIONS_PER_SEED = Integer.getInteger("fuzz.perSeed", 3_400);
    private static final String[] JUNK = {"", "~", "null", "-1", "0", "99999999999999999999", "1e309", "[]", "{}", "[",
            "{", "\"", "'", "*missing", "&a x", "!!binary aGk=", "!!int x", "!!map", "? x", "- - -", "|", ">", "\t", "\u0000",
            "é", "\uD83D\uDE00", "a: b: c", "<<: *a", "{a: [b, {c: d}]}", "yes", "NaN", ".inf", "---", "...", "%YAML 1.2",
            "\"\\u0000\"", "x".repeat(10_000)};

    @TempDir
    Path workspace;

    @Test
    void mutatedCrewFilesLoadOrFailWithALocatedConfigError() throws Exception {
        Workspace ws = Workspace.at(workspace);
        CrewLoader loader = CrewLoader.of(PersonaLibrary.builtIn(), SampleCrews.tools(ws))
                .withCommandTool(c -> StandardTools.commandRunner(ws, c)).withExecutedFiles(StandardTools::withExecutedFiles);
        List<String> seeds = BuiltInCrews.NAMES.stream().map(BuiltInCrews::yaml).toList();
        Random random = new Random(Long.getLong("fuzz.seed", 20261123L));
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "crew-fuzz");
            t.setDaemon(true);
            return t;
        });
        List<String> failures = new ArrayList<>();
        int loaded = 0;
        int refused = 0;
        try {
            for (String seed : seeds) {
                for (int i = 0; i < MUTATIONS_PER_SEED && failures.size() < 10; i++) {
                    String input = mutate(seed, random, 1 + random.nextInt(3));
                    Future<?> load = executor.submit(() -> loader.load("fuzz.yaml", input));
                    try {
                        load.get(5, TimeUnit.SECONDS);
                        loaded++;
                    } catch (TimeoutException e) {
                        load.cancel(true);
                        failures.add("hung (5 s) on:\n" + input);
                    } catch (java.util.concurrent.ExecutionException e) {
                        Throwable cause = e.getCause();
                        if (cause instanceof ConfigException ce && ce.getMessage() != null
                                && ce.getMessage().contains("fuzz.yaml") && !ce.problem().isBlank()) {
                            refused++;
                        } else {
                            failures.add(cause + "\n  on:\n" + input);
                        }
                    }
                }
            }
        } finally {
            executor.shutdownNow();
        }
        org.slf4j.LoggerFactory.getLogger(CrewFileFuzzTest.class)
                .info("crew file fuzzing: {} inputs, {} loaded, {} refused with a located error", loaded + refused, loaded, refused);
        assertThat(failures).as("inputs that crashed or hung the loader").isEmpty();
        assertThat(loaded + refused).isEqualTo(seeds.size() * MUTATIONS_PER_SEED);
        assertThat(refused).as("the mutations reach the error paths").isGreaterThan(loaded);
    }

    @Test
    void mutatedPersonaFilesLoadOrFailWithALocatedConfigError() throws Exception {
        List<String> seeds = new ArrayList<>();
        for (String id : List.of("coder", "reviewer", "manager")) {
            try (InputStream in = PersonaLibrary.class.getResourceAsStream("/dev/cadre/personas/library/" + id + ".yaml")) {
                seeds.add(new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("id: " + id, "id: fuzzed-" + id));
            }
        }
        Random random = new Random(Long.getLong("fuzz.seed", 20261123L));
        List<String> failures = new ArrayList<>();
        int tried = 0;
        for (String seed : seeds) {
            for (int i = 0; i < MUTATIONS_PER_SEED / 4 && failures.size() < 10; i++) {
                String input = mutate(seed, random, 1 + random.nextInt(3));
                Path file = workspace.resolve("persona.yaml");
                java.nio.file.Files.write(file, input.getBytes(StandardCharsets.UTF_8)); // a split surrogate becomes ?
                tried++;
                try {
                    PersonaLibrary.builtIn().withFile(file);
                } catch (ConfigException e) {
                    if (e.getMessage() == null || !e.getMessage().contains("persona.yaml") || e.problem().isBlank()) {
                        failures.add("unlocated error " + e + "\n  on:\n" + input);
                    }
                } catch (RuntimeException | StackOverflowError e) {
                    failures.add(e + "\n  on:\n" + input);
                }
            }
        }
        assertThat(failures).as("persona files that crashed the loader").isEmpty();
        assertThat(tried).isEqualTo(seeds.size() * (MUTATIONS_PER_SEED / 4));
    }

    static String mutate(String text, Random random, int times) {
        List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
        for (int t = 0; t < times && !lines.isEmpty(); t++) {
            int i = random.nextInt(lines.size());
            String line = lines.get(i);
            switch (random.nextInt(9)) {
                case 0 -> lines.remove(i);
                case 1 -> lines.add(i, line);
                case 2 -> {
                    int j = random.nextInt(lines.size());
                    lines.set(i, lines.get(j));
                    lines.set(j, line);
                }
                case 3 -> lines.set(i, " ".repeat(random.nextInt(7)) + line.strip());
                case 4 -> {
                    int colon = line.indexOf(':');
                    String junk = JUNK[random.nextInt(JUNK.length)];
                    lines.set(i, colon < 0 ? junk : line.substring(0, colon + 1) + " " + junk);
                }
                case 5 -> {
                    int colon = line.indexOf(':');
                    if (colon > 1) {
                        int k = random.nextInt(colon);
                        lines.set(i, line.substring(0, k) + (char) ('a' + random.nextInt(26)) + line.substring(k + 1));
                    }
                }
                case 6 -> {
                    String joined = String.join("\n", lines);
                    return joined.substring(0, random.nextInt(joined.length() + 1));
                }
                case 7 -> {
                    int k = random.nextInt(line.length() + 1);
                    String junk = JUNK[random.nextInt(JUNK.length)];
                    lines.set(i, line.substring(0, k) + junk + line.substring(k));
                }
                default -> lines.set(i, line.replace("- ", "-").replace(": ", ":"));
            }
        }
        return String.join("\n", lines);
    }
}
