/** Loads personas and crews from YAML/JSON and ships the built-in persona library (lands with the personas issue). */
package dev.cadre.personas;
