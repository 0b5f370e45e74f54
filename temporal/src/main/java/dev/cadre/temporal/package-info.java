/**
 * Cadre crews as durable Temporal workflows: {@link dev.cadre.temporal.TemporalCadre} registers Cadre's workflow and
 * activities on a worker and starts, resumes and watches runs; {@link dev.cadre.temporal.TemporalCadre#dataConverter()}
 * is the data converter its clients and workers use. See docs/temporal.md.
 */
package dev.cadre.temporal;
