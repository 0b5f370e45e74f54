package dev.cadre.cli;

import dev.cadre.api.RunListener;
import dev.cadre.opentelemetry.OpenTelemetryListener;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * OpenTelemetry for {@code cadre run}, {@code cadre runs resume}, {@code cadre demo} and {@code cadre mcp}: off unless
 * the environment asks for it, so Cadre sends no telemetry by default.
 *
 * <ul>
 * <li>{@code CADRE_OTEL=otlp} (or an {@code OTEL_EXPORTER_OTLP_ENDPOINT}, {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT}
 *     or {@code OTEL_TRACES_EXPORTER} set): traces and metrics through the SDK's autoconfiguration, so every standard
 *     {@code OTEL_*} variable applies (OTLP over HTTP/protobuf to {@code http://localhost:4318} by default; gRPC is not
 *     bundled).</li>
 * <li>{@code CADRE_OTEL=console}: spans and metrics logged to stderr (never stdout, which MCP stdio mode owns).</li>
 * <li>{@code CADRE_OTEL=off}: nothing, whatever the {@code OTEL_*} variables say.</li>
 * </ul>
 * The SDK flushes what it holds when the JVM exits.
 */
final class Telemetry {

    static final String VARIABLE = "CADRE_OTEL";

    private Telemetry() {}

    /** The tracing listener the environment asks for, if any. */
    static Optional<RunListener> listener(Map<String, String> env) {
        String mode = env.getOrDefault(VARIABLE, "").strip().toLowerCase(Locale.ROOT);
        boolean console;
        switch (mode) {
            case "" -> {
                if (!env.containsKey("OTEL_EXPORTER_OTLP_ENDPOINT") && !env.containsKey("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
                        && !env.containsKey("OTEL_TRACES_EXPORTER")) {
                    return Optional.empty();
                }
                console = false;
            }
            case "off", "none", "false", "0" -> {
                return Optional.empty();
            }
            case "otlp", "on", "true", "1" -> console = false;
            case "console" -> console = true;
            default -> throw new IllegalArgumentException(VARIABLE + " is '" + env.get(VARIABLE)
                    + "': use otlp (OpenTelemetry's OTLP exporter, configured by the OTEL_* variables), console (to stderr) or off.");
        }
        Map<String, String> defaults = new HashMap<>();
        defaults.put("otel.logs.exporter", "none"); // Cadre's logs go to stderr through SLF4J, not to OpenTelemetry
        defaults.put("otel.exporter.otlp.protocol", "http/protobuf"); // the JDK's HttpClient sends it; gRPC is not bundled
        if (!env.containsKey("OTEL_SERVICE_NAME") && !env.getOrDefault("OTEL_RESOURCE_ATTRIBUTES", "").contains("service.name=")) {
            defaults.put("otel.service.name", "cadre");
        }
        Map<String, String> forced = console
                ? Map.of("otel.traces.exporter", "console", "otel.metrics.exporter", "console", "otel.logs.exporter", "none")
                : Map.of();
        OpenTelemetrySdk sdk;
        try {
            sdk = AutoConfiguredOpenTelemetrySdk.builder()
                    .addPropertiesSupplier(() -> defaults)
                    .addPropertiesCustomizer(config -> forced)
                    .build()
                    .getOpenTelemetrySdk();
        } catch (ConfigurationException e) {
            throw new IllegalArgumentException("OpenTelemetry could not be set up from the OTEL_* variables (" + TerminalText.rootMessage(e)
                    + "); fix them, or set " + VARIABLE + "=off.", e);
        }
        return Optional.of(OpenTelemetryListener.of(sdk));
    }
}
