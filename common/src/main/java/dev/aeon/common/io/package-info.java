/**
 * Small helpers for binary files: typed format errors that name the file and offset, CRC32C over memory
 * segments, durable renames, the written extent of a memory-mapped file (blocks written ahead of the
 * stores into the mapping, so that a full device is an I/O error), and file I/O out of reach of the calling
 * thread's interrupts ({@link dev.aeon.common.io.PositionalWriter}, {@link dev.aeon.common.io.Uninterruptibly}).
 */
package dev.aeon.common.io;
