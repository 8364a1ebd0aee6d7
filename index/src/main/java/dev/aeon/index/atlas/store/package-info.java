/**
 * Atlas's files: the page file of INT8 codes, the sketch file beside it, the FP32 sidecar and the
 * manifest, each framed and checksummed.
 */
package dev.aeon.index.atlas.store;
