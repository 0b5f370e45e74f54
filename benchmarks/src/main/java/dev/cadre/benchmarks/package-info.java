/** JMH benchmarks side by side with peer frameworks (land with the benchmarks issue). Never a dependency of anything. */
package dev.cadre.benchmarks;
