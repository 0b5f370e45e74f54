/**
 * The engine's core for drivers other than the local one: {@link dev.cadre.orchestrator.driver.RunCore} decides, a
 * driver executes its {@link dev.cadre.orchestrator.driver.DriverCommand}s and gives back
 * {@link dev.cadre.orchestrator.driver.DriverInput}s. The Temporal driver (cadre-temporal) is built on it.
 */
package dev.cadre.orchestrator.driver;
