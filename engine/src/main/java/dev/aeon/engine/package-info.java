/**
 * The engine: one durable agent memory built from the WAL, Atlas, Trace and the blob arena.
 */
package dev.aeon.engine;
