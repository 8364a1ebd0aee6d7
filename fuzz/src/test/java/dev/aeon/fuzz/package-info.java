/**
 * Jazzer fuzz tests (regression mode in the normal run, {@code JAZZER_FUZZ=1} to fuzz) and long model-based runs.
 */
package dev.aeon.fuzz;
