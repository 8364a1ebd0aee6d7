/**
 * Fuzz tests of the trace's files: checkpoints and records whose checksums hold but whose content is wrong.
 */
package dev.aeon.fuzz.trace;
