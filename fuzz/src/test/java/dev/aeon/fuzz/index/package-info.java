/**
 * Fuzz tests of the Atlas index's files: manifests whose checksums hold but whose structure is wrong.
 */
package dev.aeon.fuzz.index;
