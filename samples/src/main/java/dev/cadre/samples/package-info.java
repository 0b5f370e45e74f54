/**
 * Cadre's sample crews (coder-reviewer, debate, hierarchical) as YAML and, for coder-reviewer, the same crew built
 * in Java; the bundled calculator project they work on; and the scripted model of {@code cadre demo}.
 */
package dev.cadre.samples;
