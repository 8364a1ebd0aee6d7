/**
 * Fuzz tests of the Atlas index's files: manifests whose checksums hold but whose structure is wrong, and damaged
 * page, sketch and vector files.
 */
package dev.aeon.fuzz.index;
