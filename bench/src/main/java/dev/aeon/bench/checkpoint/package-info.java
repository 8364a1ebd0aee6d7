/**
 * {@code ./aeon bench checkpoint}: JMH measurements of the index's part of a checkpoint's pause (its snapshot,
 * {@code AtlasIndex.stageFlush}) against one insert and delete in the same index.
 */
package dev.aeon.bench.checkpoint;
