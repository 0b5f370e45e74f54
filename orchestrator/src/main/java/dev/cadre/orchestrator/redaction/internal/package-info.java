/**
 * Internals of the API module (the key shapes and encoded forms {@link dev.cadre.orchestrator.redaction.Redactor} masks); never needed
 * by a user.
 */
package dev.cadre.orchestrator.redaction.internal;
