/**
 * Helpers every benchmark command shares: the JSON report header and writer, arguments, timing, a RESP client, each
 * thread's CPU time, and the engine's log flusher counters as the log's own record.
 */
package dev.aeon.bench.util;
