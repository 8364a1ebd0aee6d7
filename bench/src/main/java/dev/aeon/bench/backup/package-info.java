/**
 * {@code ./aeon bench backup}: how long a backup of an open namespace holds its writers back, against copying
 * its files whole.
 */
package dev.aeon.bench.backup;
