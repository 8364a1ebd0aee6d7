/** {@code ./aeon bench recall}: JMH measurements of one recall on a memory of WordNet glosses, and its heap bytes. */
package dev.aeon.bench.recall;
