/**
 * {@code ./aeon bench transfer}: how long exporting a namespace to JSON lines and importing it back take,
 * against remembering its events in the first place.
 */
package dev.aeon.bench.transfer;
