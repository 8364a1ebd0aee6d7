/**
 * {@code ./aeon bench self}: every stored vector searched with itself, on real sentence embeddings: how often it is
 * not first, or not found at all, and at which stage of the search it was lost.
 */
package dev.aeon.bench.self;
