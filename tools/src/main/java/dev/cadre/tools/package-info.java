/** Implementations of the {@code dev.cadre.api.Tool} SPI: workspace files, search, process runner (lands with the tools issue). */
package dev.cadre.tools;
