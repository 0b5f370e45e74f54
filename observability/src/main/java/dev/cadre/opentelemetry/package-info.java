/**
 * OpenTelemetry traces and metrics of Cadre runs: register {@link dev.cadre.opentelemetry.OpenTelemetryListener} with
 * {@code Orchestrator.builder().listener(...)}. Uses the OpenTelemetry API only; the SDK and exporters are yours.
 */
package dev.cadre.opentelemetry;
