/**
 * Benchmark commands: {@code ./aeon bench NAME [--quick]} runs {@code dev.aeon.bench.NAME.<Name>Bench},
 * which prints a table and writes {@code target/bench/NAME.json}.
 */
package dev.aeon.bench;
