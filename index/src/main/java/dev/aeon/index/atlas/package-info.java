/**
 * Atlas: the persistent, page-clustered INT8 vector index. A routing tree of centroids leads to leaves of
 * mapped pages; a search descends to the best leaves, estimates their entries from one-bit sketches, and
 * scores the most promising with INT8 codes and FP32 originals.
 */
package dev.aeon.index.atlas;
