/**
 * The one door for programs that embed Cadre: {@link dev.cadre.core.Cadre}. Build one with a model and a workspace,
 * then load a crew from YAML ({@code cadre.crew(path)}, {@code cadre.builtInCrew("debate")}) or build it in code from
 * {@code cadre.agent(...)} and {@code dev.cadre.api.crew.Step}, and run it. The types a user needs beside it are in
 * {@code dev.cadre.api} ({@code Persona}, {@code Task}, {@code RunHandle}, {@code PendingCheckpoint},
 * {@code RunResult}) and {@code dev.cadre.api.crew} ({@code Crew}, {@code Step}, {@code Until}). See docs/java-api.md.
 */
package dev.cadre.core;
