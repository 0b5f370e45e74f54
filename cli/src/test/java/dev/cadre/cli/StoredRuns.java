package dev.cadre.cli;

import dev.cadre.orchestrator.journal.LocalJournalStore;
import dev.cadre.orchestrator.journal.StoredJournal;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/** The runs of a runs directory as the default store holds them, for tests that look at what a command journaled. */
final class StoredRuns {

    private StoredRuns() {}

    /** The ids of the runs in {@code runs}, sorted (run ids begin with their start time). */
    static List<String> ids(Path runs) {
        try (LocalJournalStore store = LocalJournalStore.open(runs)) {
            return store.runIds().stream().sorted().toList();
        }
    }

    /** The id of the one run in {@code runs}. */
    static String only(Path runs) {
        List<String> ids = ids(runs);
        if (ids.size() != 1) {
            throw new AssertionError("expected one run in " + runs + ", found " + ids);
        }
        return ids.get(0);
    }

    static StoredJournal read(Path runs, String runId) {
        try (LocalJournalStore store = LocalJournalStore.open(runs)) {
            return store.read(runId);
        }
    }

    /** Every byte of every file in {@code runs} (segments and any others), as text, for what must never be written there. */
    static String rawFiles(Path runs) throws IOException {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.walk(runs)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                all.append(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).append('\n');
            }
        }
        return all.toString();
    }

    /** The run's journal as {@code cadre runs export} writes it. */
    static String text(Path runs, String runId) {
        try (LocalJournalStore store = LocalJournalStore.open(runs)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            store.export(runId, out);
            return out.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * What an attacker who can write the runs directory does to the default store: appends a record of {@code runId}
     * holding {@code line} (a whole, CRC-checked record, as docs/journal.md describes) after the last one of the newest
     * segment.
     */
    static void appendRecord(Path runs, String runId, long seq, String line) throws IOException {
        byte[] id = runId.getBytes(StandardCharsets.UTF_8);
        byte[] text = line.getBytes(StandardCharsets.UTF_8);
        ByteBuffer body = ByteBuffer.allocate(Long.BYTES + Short.BYTES + id.length + text.length);
        body.putLong(seq).putShort((short) id.length).put(id).put(text).flip();
        CRC32C crc = new CRC32C();
        crc.update(body.duplicate());
        ByteBuffer record = ByteBuffer.allocate(8 + body.remaining());
        record.putInt(body.remaining()).putInt((int) crc.getValue()).put(body).flip();
        writeAfterLastRecord(runs, record);
    }

    /** Writes {@code bytes} where the next record of the newest segment in {@code runs} would go. */
    static void writeAfterLastRecord(Path runs, ByteBuffer bytes) throws IOException {
        Path newest;
        try (Stream<Path> segments = Files.list(runs.resolve("segments"))) {
            newest = segments.filter(f -> f.toString().endsWith(".seg")).max(Comparator.naturalOrder()).orElseThrow();
        }
        try (FileChannel channel = FileChannel.open(newest, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer header = ByteBuffer.allocate(8);
            long at = 16;
            while (true) {
                header.clear();
                channel.read(header, at);
                int length = header.getInt(0);
                if (length <= 0) {
                    break;
                }
                at += 8 + length;
            }
            channel.write(bytes, at);
        }
    }
}
