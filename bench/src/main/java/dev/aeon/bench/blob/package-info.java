/** {@code ./aeon bench blob}: blob arena append, read and GC figures, EBR enter/exit latency and padding. */
package dev.aeon.bench.blob;
