/** Fuzz tests of the vector kernels against the scalar reference, the VNNI machine code above all. */
package dev.aeon.fuzz.kernel;
