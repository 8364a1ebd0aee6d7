/**
 * {@code ./aeon bench open}: how long a namespace takes to open after a clean close and after a crash, against
 * reading its files once.
 */
package dev.aeon.bench.open;
