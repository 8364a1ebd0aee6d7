/**
 * Crash-consistency check of the WAL by crashing: a child JVM appends and reports acknowledgements,
 * is killed with SIGKILL at a random moment, and the log is reopened and compared with what was acknowledged.
 */
package dev.aeon.wal.crash;
