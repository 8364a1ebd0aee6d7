/** Atlas: the persistent, page-clustered INT8 vector index (routing tree of centroids over mapped pages). */
package dev.aeon.index.atlas;
