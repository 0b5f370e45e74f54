/**
 * The vocabulary of Cadre: {@link dev.cadre.api.Persona}, {@link dev.cadre.api.Agent}, {@link dev.cadre.api.Task},
 * the {@link dev.cadre.api.Tool} SPI, {@link dev.cadre.api.RunEvent}, {@link dev.cadre.api.Checkpoint},
 * {@link dev.cadre.api.Usage} and {@link dev.cadre.api.Budget}. Everything here is an immutable value that
 * round-trips through JSON with {@link dev.cadre.api.CadreJson#mapper()}.
 */
package dev.cadre.api;
