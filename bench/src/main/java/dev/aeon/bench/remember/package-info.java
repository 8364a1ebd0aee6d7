/**
 * {@code ./aeon bench remember}: the engine's write path, remembers per second, their latency and heap bytes per
 * durability mode and writer count, each against its write-ahead log alone appending the same records; with
 * {@code --embed}, remembering texts the engine embeds with the real model, against the embedder alone.
 */
package dev.aeon.bench.remember;
