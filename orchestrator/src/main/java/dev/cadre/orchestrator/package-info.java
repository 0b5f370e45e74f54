/**
 * The engine: {@link dev.cadre.orchestrator.Orchestrator} runs agents on tasks as streams of
 * {@link dev.cadre.api.RunEvent}s, journaled before they are published.
 */
package dev.cadre.orchestrator;
