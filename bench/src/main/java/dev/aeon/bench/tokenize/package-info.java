/** {@code ./aeon bench tokenize}: the memory and time of tokenizing a long text, in pieces against whole. */
package dev.aeon.bench.tokenize;
