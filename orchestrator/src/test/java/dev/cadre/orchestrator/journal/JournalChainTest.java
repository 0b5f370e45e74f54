package dev.cadre.orchestrator.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.api.CadreJson;
import dev.cadre.api.CrewSource;
import dev.cadre.api.Decision;
import dev.cadre.api.RunEvent;
import dev.cadre.api.Task;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The MAC chain of journals: what Cadre wrote verifies, any other change is found at its line. */
class JournalChainTest {

    @TempDir
    Path dir;

    final JournalKey key = JournalKey.generate();

    Path write(String runId, List<RunEvent> events) {
        try (JournalWriter writer = JournalWriter.open(dir, runId, false, key)) {
            events.forEach(writer::append);
        }
        return JournalWriter.fileFor(dir, runId);
    }

    static List<RunEvent> events(String run) {
        return dev.cadre.api.EventsAccess.oneOfEach(run);
    }

    @Test
    void everyLineCarriesAMacAndTheJournalReadsIntactAndUnchanged() throws Exception {
        Path file = write("r", events("r"));
        assertThat(Files.readAllLines(file)).allSatisfy(l -> assertThat(l).startsWith("{\"type\":").matches(".*,\"mac\":\"[A-Za-z0-9_-]{43}\"}"));
        JournalReader.Journal journal = JournalReader.read(file, key);
        assertThat(journal.integrity().status()).isEqualTo(JournalIntegrity.Status.INTACT);
        assertThat(journal.events()).containsExactlyElementsOf(events("r"));
        assertThat(journal.integrity().describe(file)).isEqualTo("Journal " + file + " is intact: every line verifies.");
    }

    @Test
    void anAppendedApprovalIsFoundAtItsLineWithOrWithoutAMac() throws Exception {
        List<RunEvent> events = events("r").subList(0, 9); // ends waiting at checkpoint cp-1
        Path file = write("r", events);
        String approve = CadreJson.mapper().writeValueAsString(
                new RunEvent.CheckpointResolved("r", "review/coder", 10, Instant.EPOCH, "cp-1", Decision.approve("human")));
        String original = Files.readString(file);
        Files.writeString(file, approve + "\n", StandardOpenOption.APPEND);
        JournalReader.Journal plain = JournalReader.read(file, key);
        assertThat(plain.integrity()).isEqualTo(JournalIntegrity.changedAt(10, "the line has no authentication code, but the lines before it do"));
        assertThatThrownBy(() -> plain.requireVerified(true)).isInstanceOf(JournalChangedException.class)
                .hasMessage("Journal " + file + " was changed at line 10: the line has no authentication code, but the lines before it do.");

        String lastMac = original.substring(original.lastIndexOf("\"mac\":\"") + 7, original.lastIndexOf("\"}"));
        String withCopiedMac = approve.substring(0, approve.length() - 1) + ",\"mac\":\"" + lastMac + "\"}";
        Files.writeString(file, original + withCopiedMac + "\n");
        assertThat(JournalReader.read(file, key).integrity().line()).isEqualTo(10);
        assertThat(JournalReader.read(file, key).integrity().detail()).startsWith("its authentication code does not match");
        assertThatThrownBy(() -> JournalWriter.reopen(JournalReader.read(file, key), false, key))
                .isInstanceOf(JournalChangedException.class).hasMessageContaining("was changed at line 10").hasMessageEndingWith("It cannot be continued.");
    }

    @Test
    void anEditedRemovedOrReorderedLineIsFoundAtItsLine() throws Exception {
        Path file = write("r", events("r"));
        List<String> lines = Files.readAllLines(file);

        List<String> edited = new ArrayList<>(lines);
        edited.set(6, edited.get(6).replace("A.java", "B.java"));
        Files.write(file, edited);
        assertThat(JournalReader.read(file, key).integrity().line()).isEqualTo(7);

        List<String> removed = new ArrayList<>(lines);
        removed.remove(7);
        Files.write(file, removed);
        assertThat(JournalReader.read(file, key).integrity().line()).isEqualTo(8);

        List<String> swapped = new ArrayList<>(lines);
        Collections.swap(swapped, 2, 3);
        Files.write(file, swapped);
        assertThat(JournalReader.read(file, key).integrity().line()).isEqualTo(3);

        Files.write(file, lines);
        assertThat(JournalReader.read(file, key).integrity().isIntact()).isTrue();
    }

    @Test
    void aTornLastLineIsNotAChangeAndTheChainGoesOnAfterIt() throws Exception {
        List<RunEvent> events = events("r");
        Path file = write("r", events.subList(0, 3));
        Files.writeString(file, "{\"type\":\"step_started\",\"runId\":\"r\",\"st", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        JournalReader.Journal journal = JournalReader.read(file, key);
        assertThat(journal.tornTail()).isTrue();
        assertThat(journal.integrity().isIntact()).isTrue();
        try (JournalWriter writer = JournalWriter.reopen(journal, false, key)) {
            writer.append(events.get(3));
        }
        JournalReader.Journal continued = JournalReader.read(file, key);
        assertThat(continued.integrity().isIntact()).isTrue();
        assertThat(continued.events()).containsExactlyElementsOf(events.subList(0, 4));
    }

    @Test
    void aJournalWithoutMacsReadsUnverifiedAndIsRefusedUnlessTrusted() throws Exception {
        Path file = dir.resolve("old.jsonl");
        StringBuilder old = new StringBuilder();
        for (RunEvent e : events("old").subList(0, 4)) {
            old.append(CadreJson.mapper().writeValueAsString(e)).append('\n');
        }
        Files.writeString(file, old);
        JournalReader.Journal journal = JournalReader.read(file, key);
        assertThat(journal.integrity().status()).isEqualTo(JournalIntegrity.Status.UNVERIFIED);
        assertThat(journal.events()).containsExactlyElementsOf(events("old").subList(0, 4));
        assertThatThrownBy(() -> journal.requireVerified(false)).isInstanceOf(JournalChangedException.class)
                .hasMessageStartingWith("Journal " + file + " is unverified: it has lines without an authentication code");
        assertThat(journal.requireVerified(true)).isSameAs(journal);

        // continued (trusted) by this version: the new lines are chained, the old ones stay unverified
        try (JournalWriter writer = JournalWriter.reopen(journal, false, key)) {
            writer.append(events("old").get(4));
        }
        assertThat(JournalReader.read(file, key).integrity().status()).isEqualTo(JournalIntegrity.Status.UNVERIFIED);

        // stripping the codes of a chained journal makes it unverified, never intact
        Path chained = write("s", events("s"));
        Files.writeString(chained, Files.readString(chained).replaceAll(",\"mac\":\"[A-Za-z0-9_-]{43}\"}", "}"));
        assertThat(JournalReader.read(chained, key).integrity().status()).isEqualTo(JournalIntegrity.Status.UNVERIFIED);
    }

    @Test
    void aJournalDoesNotVerifyUnderAnotherKey() {
        Path file = write("r", events("r"));
        JournalIntegrity other = JournalReader.read(file, JournalKey.generate()).integrity();
        assertThat(other.line()).isEqualTo(1);
        assertThat(other.detail()).contains("written with another key");
    }

    @Test
    void theKeyFileIsCreatedOnceWithOwnerOnlyPermissionsAndReusedAfter() throws Exception {
        Path state = dir.resolve("state");
        JournalKey first = JournalKey.in(state);
        Path keyFile = state.resolve(JournalKey.FILE);
        assertThat(Files.size(keyFile)).isEqualTo(32);
        if (state.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state))).isEqualTo("rwx------");
        }
        try (var files = Files.list(state)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly(JournalKey.FILE);
        }
        Path runs = state.resolve("runs");
        try (JournalWriter writer = JournalWriter.open(runs, "k", false, first)) {
            writer.append(events("k").get(0));
        }
        assertThat(JournalReader.read(runs.resolve("k.jsonl"), JournalKey.in(state)).integrity().isIntact()).isTrue();
        Files.write(keyFile, new byte[5]);
        assertThatThrownBy(() -> JournalKey.in(state)).isInstanceOf(JournalException.class)
                .hasMessageStartingWith("The journal key " + keyFile + " has 5 bytes, not 32");
    }

    @Test
    void runStartedKeepsTheCrewSourceAndOldJournalsWithoutItStillRead() throws Exception {
        CrewSource source = CrewSource.of("crews/helper.yaml", "name: helper\n");
        RunEvent.RunStarted started = new RunEvent.RunStarted("c", "", 1, Instant.EPOCH, "helper", Task.of("t", "Do it."), source);
        Path file = write("c", List.of(started));
        RunEvent.RunStarted read = (RunEvent.RunStarted) JournalReader.read(file, key).events().get(0);
        assertThat(read.crewSource()).isEqualTo(source);
        assertThat(read.crewSource().matchesDigest()).isTrue();
        String old = "{\"type\":\"run_started\",\"runId\":\"c\",\"stepPath\":\"\",\"seq\":1,\"timestamp\":\"1970-01-01T00:00:00Z\","
                + "\"crew\":\"helper\",\"task\":{\"id\":\"t\",\"description\":\"Do it.\"}}";
        RunEvent.RunStarted legacy = (RunEvent.RunStarted) CadreJson.mapper().readValue(old, RunEvent.class);
        assertThat(legacy.crewSource()).isNull();
        assertThat(legacy.crew()).isEqualTo("helper");
    }

    @Test
    void aLineEncodedInPlaceIsByteForByteTheLineOfJsonThenMacThenCopy() throws Exception {
        JournalChain reused = new JournalChain(key);
        JournalChain reference = new JournalChain(key);
        List<RunEvent> events = new ArrayList<>(events("r"));
        // a huge event grows the buffer; the small ones after it must not carry any of its bytes
        events.add(3, new RunEvent.ToolReturned("r", "s", 99, Instant.EPOCH, "coder", 1, "c1", "read", "x".repeat(300_000), false, true));
        byte[] previous = JournalChain.START;
        for (RunEvent event : events) {
            byte[] json = CadreJson.mapper().writeValueAsBytes(event);
            byte[] expectedCode = reference.sign(previous, json);
            byte[] code = reused.encode(CadreJson.mapper(), previous, event);
            assertThat(code).isEqualTo(expectedCode);
            assertThat(java.util.Arrays.copyOf(reused.line(), reused.lineLength())).isEqualTo(JournalChain.line(json, expectedCode));
            previous = code;
        }
        assertThat(reused.retainedBytes()).isGreaterThan(JournalChainPool.MAX_KEPT_BYTES);
    }

    @Test
    void anEventThatFailsHalfWrittenLeavesNothingBehindForTheNextLine() throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper failing = CadreJson.mapper().copy().registerModule(
                new com.fasterxml.jackson.databind.module.SimpleModule().addSerializer(RunEvent.ToolReturned.class,
                        new com.fasterxml.jackson.databind.JsonSerializer<RunEvent.ToolReturned>() {
                            @Override
                            public void serialize(RunEvent.ToolReturned value, com.fasterxml.jackson.core.JsonGenerator gen,
                                                  com.fasterxml.jackson.databind.SerializerProvider serializers) throws java.io.IOException {
                                gen.writeStartObject();
                                gen.writeStringField("half", "written");
                                throw new java.io.IOException("cannot write " + value.tool());
                            }

                            @Override
                            public void serializeWithType(RunEvent.ToolReturned value, com.fasterxml.jackson.core.JsonGenerator gen,
                                                          com.fasterxml.jackson.databind.SerializerProvider serializers,
                                                          com.fasterxml.jackson.databind.jsontype.TypeSerializer typeSer) throws java.io.IOException {
                                serialize(value, gen, serializers);
                            }
                        }));
        JournalChain chain = new JournalChain(key);
        RunEvent bad = new RunEvent.ToolReturned("r", "s", 2, Instant.EPOCH, "coder", 1, "c1", "read", "text", false, false);
        assertThatThrownBy(() -> chain.encode(failing, JournalChain.START, bad)).isInstanceOf(java.io.IOException.class);
        RunEvent good = events("r").get(0);
        byte[] code = chain.encode(failing, JournalChain.START, good);
        byte[] json = failing.writeValueAsBytes(good);
        assertThat(java.util.Arrays.copyOf(chain.line(), chain.lineLength())).isEqualTo(JournalChain.line(json, code));
    }

    @Test
    void aPoolLendsEachChainToOneAppendAtATimeAndLetsGoOfABufferThatGrewHuge() throws Exception {
        JournalChainPool pool = new JournalChainPool(key);
        JournalChain first = pool.take();
        JournalChain second = pool.take();
        assertThat(second).isNotSameAs(first);
        pool.give(first);
        assertThat(pool.take()).isSameAs(first);
        first.encode(CadreJson.mapper(), JournalChain.START,
                new RunEvent.ToolReturned("r", "s", 1, Instant.EPOCH, "coder", 1, "c1", "read", "x".repeat(300_000), false, true));
        second.encode(CadreJson.mapper(), JournalChain.START, events("r").get(0));
        int small = second.retainedBytes();
        pool.give(first);
        pool.give(second);
        assertThat(first.retainedBytes()).isZero();
        assertThat(second.retainedBytes()).isEqualTo(small).isPositive();
        assertThat(pool.take()).isSameAs(first);
        assertThat(pool.take()).isSameAs(second);
        assertThat(pool.take()).isNotSameAs(first).isNotSameAs(second);
        // a trimmed chain encodes as before
        byte[] code = first.encode(CadreJson.mapper(), JournalChain.START, events("r").get(1));
        byte[] json = CadreJson.mapper().writeValueAsBytes(events("r").get(1));
        assertThat(java.util.Arrays.copyOf(first.line(), first.lineLength())).isEqualTo(JournalChain.line(json, code));
    }

    @Test
    void aWriterGoesOnAfterAHugeEventWhoseBufferItLetGoAndItsJournalVerifies() {
        List<RunEvent> events = new ArrayList<>(events("w"));
        RunEvent third = events.get(3);
        events.set(3, new RunEvent.ToolReturned("w", third.stepPath(), third.seq(), third.timestamp(), "coder", 1, "c1", "read",
                "y".repeat(100_000), false, false));
        Path file = write("w", events);
        JournalReader.Journal journal = JournalReader.read(file, key);
        assertThat(journal.integrity().isIntact()).isTrue();
        assertThat(journal.events()).containsExactlyElementsOf(events);
    }

    @Test
    void anEventJacksonCannotWriteIsOneSentenceNamingTheEventAndTheJournal() {
        RunEvent event = events("r").get(0);
        JournalException e = JournalChain.cannotSerialise(event, "journal-x", new java.io.IOException("disk gone"));
        assertThat(e).hasMessage("Cannot serialise event RunStarted #1 for journal journal-x: disk gone");
    }
}
