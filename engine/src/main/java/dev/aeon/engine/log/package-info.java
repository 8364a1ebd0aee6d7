/** The engine's mutations as write-ahead log records: one record type per mutation, and their codec. */
package dev.aeon.engine.log;
