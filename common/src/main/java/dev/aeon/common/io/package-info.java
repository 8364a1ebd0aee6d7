/**
 * Small helpers for binary files: typed format errors that name the file and offset, CRC32C over memory
 * segments, durable renames.
 */
package dev.aeon.common.io;
