/**
 * {@code ./aeon bench contention}: recall latency of one reader alone and of 15 open-loop readers beside a SYNC writer.
 */
package dev.aeon.bench.contention;
