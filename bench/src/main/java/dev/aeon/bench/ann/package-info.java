/**
 * The ANN benchmark ({@code ./aeon bench ann --dataset NAME}): Atlas against Lucene's int8 HNSW and
 * JVector on real vectors fetched from Debian packages, with recall, QPS, latency, build time and
 * bytes per vector, a JSON report, a table and an SVG plot of the recall-QPS curves.
 */
package dev.aeon.bench.ann;
