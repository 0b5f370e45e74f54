package dev.cadre.jdbc;

import dev.cadre.jdbc.internal.ConnectionPool;
import dev.cadre.orchestrator.journal.Durability;
import dev.cadre.orchestrator.journal.JournalKey;
import java.time.Duration;
import java.util.Objects;
import org.postgresql.ds.PGSimpleDataSource;

/** Settings of a {@link JdbcJournalStore}: where the database is, the shared key, and how it is used. */
public final class JdbcJournalBuilder {

    private final String url;
    private String user;
    private String password;
    private JournalKey key;
    private Durability durability = Durability.PROCESS;
    private int maxConnections = 8;
    private int pageSize = 500;
    private Duration connectionWait = Duration.ofSeconds(30);
    private Retention retention = Retention.KEEP_ALL;
    private java.util.function.Consumer<String> whenRemoved = runId -> { };

    JdbcJournalBuilder(String url) {
        this.url = Objects.requireNonNull(url, "url");
        if (!url.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("The journal URL '" + withoutQuery(url)
                    + "' is not a PostgreSQL JDBC URL: write jdbc:postgresql://host:port/database.");
        }
    }

    /** The database user (else the URL's {@code user} parameter, or the driver's default). */
    public JdbcJournalBuilder user(String user) { this.user = user; return this; }

    /** The database password (else the URL's, or none); never shown in messages. */
    public JdbcJournalBuilder password(String password) { this.password = password; return this; }

    /** The key that authenticates the journal's rows: the same on every worker (required). */
    public JdbcJournalBuilder key(JournalKey key) { this.key = Objects.requireNonNull(key, "key"); return this; }

    /**
     * {@link Durability#PROCESS} (the default): an append returns once PostgreSQL has committed it in its memory
     * ({@code synchronous_commit = off}), so it survives this process being killed, not the database server crashing;
     * {@link Durability#FSYNC}: once it is flushed to the server's disk.
     */
    public JdbcJournalBuilder durability(Durability durability) { this.durability = Objects.requireNonNull(durability); return this; }

    /** At most this many connections to the database (default 8). */
    public JdbcJournalBuilder maxConnections(int max) { this.maxConnections = positive(max, "maxConnections"); return this; }

    /** Reads and removals take at most this many rows or runs per statement (default 500). */
    public JdbcJournalBuilder pageSize(int rows) { this.pageSize = positive(rows, "pageSize"); return this; }

    /** How long a caller waits for a free connection before it fails (default 30 s). */
    public JdbcJournalBuilder connectionWait(Duration wait) { this.connectionWait = Objects.requireNonNull(wait); return this; }

    /** Which finished runs are removed when the store starts and on {@link JdbcJournalStore#prune} (default: none). */
    public JdbcJournalBuilder retention(Retention retention) { this.retention = Objects.requireNonNull(retention); return this; }

    /**
     * Called with each run's id as the store removes it ({@link Retention}, {@link JdbcJournalStore#prune}), on the
     * removing thread: to remove what the run left beside its journal, e.g. the Temporal driver's payload files.
     */
    public JdbcJournalBuilder whenRemoved(java.util.function.Consumer<String> action) {
        this.whenRemoved = Objects.requireNonNull(action);
        return this;
    }

    /** Connects, creates or migrates the tables and applies the retention; fails with one sentence naming the database. */
    public JdbcJournalStore build() {
        if (key == null) {
            throw new IllegalStateException("The journal store " + where() + " needs the journal key every worker shares (key(...),"
                    + " or CADRE_JOURNAL_KEY).");
        }
        PGSimpleDataSource source = new PGSimpleDataSource();
        source.setURL(url);
        if (user != null) {
            source.setUser(user);
        }
        if (password != null) {
            source.setPassword(password);
        }
        source.setApplicationName("cadre-journal");
        source.setConnectTimeout(10);
        if (durability == Durability.PROCESS) {
            source.setOptions("-c synchronous_commit=off");
        }
        ConnectionPool pool = new ConnectionPool(source, where(), maxConnections, connectionWait);
        JdbcJournalStore store = new JdbcJournalStore(this, pool);
        try {
            store.start(retention);
            return store;
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /** The URL without its parameters (which may hold a password), for messages. */
    String where() {
        return withoutQuery(url);
    }

    JournalKey key() {
        return key;
    }

    java.util.function.Consumer<String> whenRemoved() {
        return whenRemoved;
    }

    int pageSize() {
        return pageSize;
    }

    private static String withoutQuery(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q);
    }

    private static int positive(int n, String what) {
        if (n < 1) {
            throw new IllegalArgumentException("The journal store's " + what + " must be at least 1, not " + n + ".");
        }
        return n;
    }
}
