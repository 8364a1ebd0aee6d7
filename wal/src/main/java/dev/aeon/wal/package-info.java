/**
 * The write-ahead log: framed records in preallocated segments, group commit, checkpoints and recovery.
 */
package dev.aeon.wal;
