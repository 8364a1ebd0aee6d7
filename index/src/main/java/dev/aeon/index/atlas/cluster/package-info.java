/** Spherical k-means for Atlas: the bulk build's hierarchical clustering and the 2-means of page splits. */
package dev.aeon.index.atlas.cluster;
