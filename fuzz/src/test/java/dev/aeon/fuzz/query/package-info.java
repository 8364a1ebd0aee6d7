/** Fuzzing of the query language: parser and executor on arbitrary text. */
package dev.aeon.fuzz.query;
