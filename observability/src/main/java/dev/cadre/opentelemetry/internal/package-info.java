/** Internals of the OpenTelemetry listener: one run's spans and measurements, attribute keys, instruments. */
package dev.cadre.opentelemetry.internal;
