/** Fuzz tests of the blob arena's file decoding: damaged or arbitrary generation files. */
package dev.aeon.fuzz.blob;
