/** {@code ./aeon bench kernels}: JMH measurements of the vector kernels against Lucene's VectorUtil. */
package dev.aeon.bench.kernels;
