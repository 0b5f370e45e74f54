package dev.cadre.jdbc.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cadre.api.CadreJson;
import dev.cadre.orchestrator.journal.JournalException;
import dev.cadre.orchestrator.journal.JournalStore;
import dev.cadre.orchestrator.journal.LiveTokenHub;
import dev.cadre.orchestrator.journal.LiveTokens;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;

/**
 * Live tokens through PostgreSQL's LISTEN/NOTIFY, across processes and machines: a chunk is one {@code pg_notify} on the
 * run's channel ({@code cadre_tokens_} and 40 hex digits of the run id's SHA-256), its JSON payload under the server's
 * 8000-byte limit (a longer one is sent in pieces); nothing is stored. One thread per store LISTENs, on a connection of
 * its own, to the channels of the runs that have subscribers here (from their first subscriber to their last), and
 * hands what arrives to them ({@link LiveTokenHub}: at most {@link LiveTokens#MAX_QUEUED} queued a subscriber, the
 * oldest dropped). A subscriber sees the chunks sent once its LISTEN is in place (within {@link #POLL_MILLIS} ms); a
 * lost connection is opened again and its channels listened to again, chunks sent meanwhile are lost (the journal has
 * the whole answer). A notification that is not a chunk is ignored. Chunks are sent on a connection of their own too,
 * never one of the pool's (journal appends never wait for tokens); a failed send drops chunks for a second.
 */
public final class NotifyTokens implements LiveTokens, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(NotifyTokens.class);

    /** PostgreSQL refuses a NOTIFY payload of 8000 bytes or more. */
    public static final int MAX_PAYLOAD_BYTES = 7999;
    /** How long the listener waits for notifications before it takes new subscriptions into account. */
    static final int POLL_MILLIS = 100;
    private static final ObjectMapper JSON = CadreJson.mapper();

    private final ConnectionPool pool;
    private final String where;
    private final LiveTokenHub hub = new LiveTokenHub(this::changed, this::changed);
    /** Runs whose subscription changed since the listener last looked. */
    private final ConcurrentLinkedQueue<String> changes = new ConcurrentLinkedQueue<>();
    /** The runs whose channels the listener's connection LISTENs to: only the listener thread touches it. */
    private final Set<String> listening = new HashSet<>();
    private final Set<String> confirmed = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    private Thread listener;
    /** Guards the sending connection. */
    private final Object sending = new Object();
    private Connection sender;
    /** Before this {@link System#nanoTime()}, nothing is sent (the last send failed). */
    private long retryAt = System.nanoTime();
    static final long RETRY_MILLIS = 1000;
    /** The longest a notification may take to send before the sending connection is dropped. */
    static final int SEND_TIMEOUT_MILLIS = 5000;

    public NotifyTokens(ConnectionPool pool, String where) {
        this.pool = pool;
        this.where = where;
    }

    /** The NOTIFY channel of {@code runId}: a fixed-length identifier whatever the run id is. */
    static String channel(String runId) {
        return "cadre_tokens_" + JournalStore.Payloads.sha256(runId.getBytes(StandardCharsets.UTF_8)).substring(0, 40);
    }

    @Override
    public void publish(Chunk chunk) {
        try {
            for (Chunk part : LiveTokens.split(chunk, MAX_CHUNK_CHARS)) {
                notify(part);
            }
        } catch (JsonProcessingException e) {
            log.debug("A live token of run {} was not sent to {}: {}", chunk.runId(), where, e.getOriginalMessage());
        }
    }

    /** Sends {@code chunk}, in halves while its payload is too large (a text of characters JSON escapes at length). */
    private void notify(Chunk chunk) throws JsonProcessingException {
        String payload = JSON.writeValueAsString(chunk);
        if (payload.getBytes(StandardCharsets.UTF_8).length > MAX_PAYLOAD_BYTES) {
            if (chunk.text().length() < 2) {
                log.debug("A live token of run {} is too large for a notification even alone: dropped", chunk.runId());
                return;
            }
            for (Chunk half : LiveTokens.split(chunk, (chunk.text().length() + 1) / 2)) {
                notify(half);
            }
            return;
        }
        send(chunk.runId(), payload);
    }

    /**
     * One {@code pg_notify} on the sending connection, a connection of its own (so tokens never wait for, nor take, the
     * pool's connections the journal appends with); after a failure nothing is sent for {@link #RETRY_MILLIS} ms (the
     * chunks are dropped) rather than make every token wait for a database that does not answer.
     */
    private void send(String runId, String payload) {
        synchronized (sending) {
            if (closed || System.nanoTime() - retryAt < 0) {
                return;
            }
            try {
                if (sender == null) {
                    sender = pool.dedicated("send live tokens");
                    sender.setNetworkTimeout(Runnable::run, SEND_TIMEOUT_MILLIS);
                }
                try (PreparedStatement s = sender.prepareStatement("SELECT pg_notify(?, ?)")) {
                    s.setString(1, channel(runId));
                    s.setString(2, payload);
                    s.execute();
                }
            } catch (SQLException | JournalException e) {
                close(sender);
                sender = null;
                retryAt = System.nanoTime() + RETRY_MILLIS * 1_000_000L;
                log.debug("Live tokens of run {} are not sent to {} for a second: {}", runId, where, e.getMessage());
            }
        }
    }

    @Override
    public Flux<Chunk> subscribe(String runId) {
        startListening();
        return hub.subscribe(runId);
    }

    /** Whether the listener LISTENs to {@code runId}'s channel now (its subscribers get what is sent from then on). */
    public boolean listening(String runId) {
        return confirmed.contains(runId);
    }

    private void changed(String runId) {
        changes.add(runId);
    }

    private synchronized void startListening() {
        if (listener == null && !closed) {
            listener = new Thread(this::listen, "cadre-journal-live-tokens");
            listener.setDaemon(true);
            listener.start();
        }
    }

    private void listen() {
        Connection connection = null;
        while (!closed) {
            try {
                if (connection == null) {
                    connection = pool.dedicated("listen for live tokens");
                    changes.addAll(listening);   // a new connection listens to nothing yet
                    listening.clear();
                    confirmed.clear();
                }
                apply(connection);
                PGNotification[] arrived = connection.unwrap(PGConnection.class).getNotifications(POLL_MILLIS);
                if (arrived != null) {
                    for (PGNotification n : arrived) {
                        deliver(n.getParameter());
                    }
                }
            } catch (SQLException | JournalException e) {
                if (closed) {
                    break;
                }
                log.debug("Listening for live tokens on {} failed; trying again in a second: {}", where, e.getMessage());
                close(connection);
                connection = null;
                pause();
            }
        }
        close(connection);
    }

    /** LISTENs to the runs that got a subscriber, UNLISTENs from those that lost their last. */
    private void apply(Connection connection) throws SQLException {
        String runId;
        while ((runId = changes.poll()) != null) {
            boolean wanted = hub.subscribed(runId);
            if (wanted == listening.contains(runId)) {
                continue;
            }
            try (Statement s = connection.createStatement()) {
                s.execute((wanted ? "LISTEN \"" : "UNLISTEN \"") + channel(runId) + "\"");
            } catch (SQLException e) {
                changes.add(runId);   // asked again on the new connection
                throw e;
            }
            if (wanted) {
                listening.add(runId);
                confirmed.add(runId);
            } else {
                listening.remove(runId);
                confirmed.remove(runId);
            }
        }
    }

    private void deliver(String payload) {
        try {
            hub.publish(JSON.readValue(payload, Chunk.class));
        } catch (JsonProcessingException | IllegalArgumentException | NullPointerException e) {
            log.debug("A notification on a live token channel of {} is not a chunk: ignored", where);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void close(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // it is being dropped
            }
        }
    }

    /** Stops sending and listening; waits briefly for the listener to close its connection. */
    @Override
    public void close() {
        closed = true;
        synchronized (sending) {
            close(sender);
            sender = null;
        }
        Thread t;
        synchronized (this) {
            t = listener;
        }
        if (t != null) {
            try {
                t.join(2 * POLL_MILLIS + 1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
