/**
 * Atlas: the persistent, page-clustered INT8 vector index. A routing tree of centroids leads to leaves of
 * mapped pages; a search descends to the best leaves, estimates their entries from one-bit sketches, and
 * scores the most promising with INT8 codes and FP32 originals.
 *
 * <p>Arguments: a null where the parameter's javadoc does not say what null means throws a
 * {@link NullPointerException} whose message is the parameter's name, and a value out of range an
 * {@link IllegalArgumentException} that names the parameter and what it may be. Either is thrown before anything is
 * written or created, and leaves the object usable.
 */
package dev.aeon.index.atlas;
