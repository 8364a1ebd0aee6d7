/**
 * {@code ./aeon bench writes}: JMH measurements of the stores' positional writes, {@code pwrite(2)} on a
 * descriptor of their own ({@link dev.aeon.common.io.PositionalWriter}) against a file channel's.
 */
package dev.aeon.bench.writes;
