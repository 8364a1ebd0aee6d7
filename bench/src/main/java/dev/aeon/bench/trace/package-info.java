/** {@code ./aeon bench trace}: trace load rate, history, time-range and 2-hop latencies, heap and disk per event. */
package dev.aeon.bench.trace;
