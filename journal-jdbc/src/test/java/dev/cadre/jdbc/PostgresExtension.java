package dev.cadre.jdbc;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link PostgresServer} for a test class ({@code @RegisterExtension static final PostgresExtension POSTGRES = new
 * PostgresExtension();}), and a new, empty database for each test that asks.
 */
public final class PostgresExtension implements BeforeAllCallback, AfterAllCallback {

    private PostgresServer server;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        if (server == null) {
            server = PostgresServer.start();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (server != null && context.getTestClass().map(c -> c.getEnclosingClass() == null).orElse(true)) {
            server.close();
            server = null;
        }
    }

    /** A new, empty database's JDBC URL. */
    public String newDatabase() throws java.sql.SQLException {
        return server.newDatabase();
    }
}
