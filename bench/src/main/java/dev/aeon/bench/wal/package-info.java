/** {@code ./aeon bench wal}: group-commit throughput and acknowledgement latency of the WAL per durability mode. */
package dev.aeon.bench.wal;
