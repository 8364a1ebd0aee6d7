/** Command-line tools over a memory directory, run by the {@code ./aeon} launcher. */
package dev.aeon.engine.cli;
