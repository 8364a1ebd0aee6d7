/**
 * The sidecar blob arena: framed blobs in memory-mapped generations, with generational garbage collection.
 */
package dev.aeon.blob;
