/**
 * Runs' journals: every event of a run appended before it is published, each line chained by an HMAC. The default
 * store is {@link dev.cadre.orchestrator.journal.LocalJournalStore} (shared memory-mapped segment files in the runs
 * directory); {@link dev.cadre.orchestrator.journal.RunFilesJournalStore} writes and reads the per-run JSON Lines files
 * of earlier versions, {@link dev.cadre.orchestrator.journal.MemoryJournalStore} keeps events in memory. See
 * docs/journal.md.
 */
package dev.cadre.orchestrator.journal;
