/**
 * Small helpers for binary files: typed format errors that name the file and offset, CRC32C over memory
 * segments, durable renames, and the written extent of a memory-mapped file (blocks written ahead of the
 * stores into the mapping, so that a full device is an I/O error).
 */
package dev.aeon.common.io;
