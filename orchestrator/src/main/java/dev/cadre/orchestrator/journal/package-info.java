/** A run's journal: its events as JSON Lines, one file per run, appended before each event is published. */
package dev.cadre.orchestrator.journal;
