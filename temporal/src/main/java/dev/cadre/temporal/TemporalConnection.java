package dev.cadre.temporal;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.SimpleSslContextBuilder;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Where a Temporal cluster is and how to reach it: {@code HOST:PORT}, the namespace, TLS (on for Temporal Cloud and an
 * API key; a client certificate and key for mTLS; a CA for a self-signed server) and an API key. The API key is never
 * printed: {@link #toString()} leaves it out. {@link #fromEnvironment} reads the variables the {@code temporal} CLI reads
 * ({@code TEMPORAL_NAMESPACE}, {@code TEMPORAL_API_KEY}, {@code TEMPORAL_TLS}, {@code TEMPORAL_TLS_CERT},
 * {@code TEMPORAL_TLS_KEY}, {@code TEMPORAL_TLS_CA}).
 *
 * <pre>{@code
 * try (TemporalConnection.Open open = TemporalConnection.of("localhost:7233").connect()) {
 *     TemporalCadre cadre = TemporalCadre.builder(open.client()) ... .build();
 * }
 * }</pre>
 */
public record TemporalConnection(String target, String namespace, boolean tls, Path clientCert, Path clientKey, Path serverCa,
                                 String apiKey) {

    /** The namespace of a cluster started without one (the dev server's, the test server's). */
    public static final String DEFAULT_NAMESPACE = "default";

    /** How long {@link #connect()} waits for the cluster before it says it cannot reach it. */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    public TemporalConnection {
        target = requireTarget(target);
        namespace = namespace == null || namespace.isBlank() ? DEFAULT_NAMESPACE : namespace;
        if ((clientCert == null) != (clientKey == null)) {
            throw new IllegalArgumentException("Temporal TLS: give the client certificate and its key together (--tls-cert and"
                    + " --tls-key, or TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY), not one of them.");
        }
        tls = tls || clientCert != null || serverCa != null || (apiKey != null && !apiKey.isBlank());
        apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey;
    }

    /** A plain-text connection to {@code target} in the default namespace (a local dev or test server). */
    public static TemporalConnection of(String target) {
        return new TemporalConnection(target, null, false, null, null, null, null);
    }

    /**
     * A connection to {@code target}: what is not given ({@code null}) comes from {@code env} ({@code TEMPORAL_NAMESPACE},
     * {@code TEMPORAL_TLS=true}, {@code TEMPORAL_TLS_CERT}, {@code TEMPORAL_TLS_KEY}, {@code TEMPORAL_TLS_CA},
     * {@code TEMPORAL_API_KEY}); the API key only ever from the environment, so it is in no command line.
     */
    public static TemporalConnection fromEnvironment(String target, String namespace, Boolean tls, Path cert, Path key, Path ca,
                                                     Map<String, String> env) {
        return new TemporalConnection(target, namespace != null ? namespace : env.get("TEMPORAL_NAMESPACE"),
                tls != null ? tls : "true".equalsIgnoreCase(env.get("TEMPORAL_TLS")),
                cert != null ? cert : path(env, "TEMPORAL_TLS_CERT"), key != null ? key : path(env, "TEMPORAL_TLS_KEY"),
                ca != null ? ca : path(env, "TEMPORAL_TLS_CA"), env.get("TEMPORAL_API_KEY"));
    }

    private static Path path(Map<String, String> env, String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? null : Path.of(value);
    }

    private static String requireTarget(String target) {
        if (target == null || !target.matches("[A-Za-z0-9.\\-_\\[\\]:]+:\\d{1,5}")) {
            throw new IllegalArgumentException("Temporal address '" + target + "' is not HOST:PORT, e.g. localhost:7233 or"
                    + " my-namespace.a1b2c.tmprl.cloud:7233.");
        }
        int port = Integer.parseInt(target.substring(target.lastIndexOf(':') + 1));
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("Temporal address '" + target + "' has port " + port + ": give 1 to 65535.");
        }
        return target;
    }

    /** A connected client (with {@link TemporalCadre#dataConverter()}) and the service it talks to; close it when done. */
    public record Open(WorkflowServiceStubs service, WorkflowClient client) implements AutoCloseable {
        @Override
        public void close() {
            service.shutdown();
            service.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    /** Connects, waiting at most {@link #CONNECT_TIMEOUT}; a cluster that does not answer is one sentence naming it. */
    public Open connect() {
        WorkflowServiceStubsOptions.Builder options = WorkflowServiceStubsOptions.newBuilder().setTarget(target);
        if (tls) {
            options.setEnableHttps(true);
            if (clientCert != null || serverCa != null) {
                options.setSslContext(sslContext());
            }
        }
        if (apiKey != null) {
            String key = apiKey;
            options.addApiKey(() -> key);
        }
        WorkflowServiceStubs service;
        try {
            service = WorkflowServiceStubs.newConnectedServiceStubs(options.build(), CONNECT_TIMEOUT);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("Cannot reach Temporal at " + target + (tls ? " over TLS" : "") + " within "
                    + CONNECT_TIMEOUT.toSeconds() + " s: " + rootMessage(e) + ".", e);
        }
        WorkflowClient client = WorkflowClient.newInstance(service, WorkflowClientOptions.newBuilder().setNamespace(namespace)
                .setDataConverter(TemporalCadre.dataConverter()).build());
        return new Open(service, client);
    }

    private io.grpc.netty.shaded.io.netty.handler.ssl.SslContext sslContext() {
        try (InputStream cert = clientCert == null ? null : Files.newInputStream(clientCert);
             InputStream key = clientKey == null ? null : Files.newInputStream(clientKey)) {
            SimpleSslContextBuilder builder = cert == null ? SimpleSslContextBuilder.noKeyOrCertChain()
                    : SimpleSslContextBuilder.forPKCS8(cert, key);
            if (serverCa != null) {
                builder.setTrustManager(trustManager(serverCa));
            }
            return builder.build();
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new IllegalArgumentException("Temporal TLS: cannot read " + (clientCert != null ? clientCert + " / " + clientKey : "")
                    + (serverCa != null ? " CA " + serverCa : "") + ": " + e.getMessage(), e);
        }
    }

    private static javax.net.ssl.TrustManager trustManager(Path ca) throws IOException, java.security.GeneralSecurityException {
        java.security.KeyStore store = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(ca)) {
            int i = 0;
            for (java.security.cert.Certificate c : java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca-" + i++, c);
            }
        }
        javax.net.ssl.TrustManagerFactory factory = javax.net.ssl.TrustManagerFactory.getInstance(
                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return factory.getTrustManagers()[0];
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return String.valueOf(cause.getMessage());
    }

    /** Everything but the API key (whether one is set is said). */
    @Override
    public String toString() {
        return "Temporal " + target + " namespace " + namespace + (tls ? " TLS" : "") + (clientCert != null ? " mTLS " + clientCert : "")
                + (apiKey != null ? " with an API key" : "");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TemporalConnection c && target.equals(c.target) && namespace.equals(c.namespace) && tls == c.tls
                && Objects.equals(clientCert, c.clientCert) && Objects.equals(clientKey, c.clientKey)
                && Objects.equals(serverCa, c.serverCa) && Objects.equals(apiKey, c.apiKey);
    }

    @Override
    public int hashCode() {
        return Objects.hash(target, namespace, tls, clientCert, clientKey, serverCa);
    }
}
