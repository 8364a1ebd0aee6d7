/**
 * Fuzz tests of the embedder's tokenizing: a long text cut into pieces gives the ids of the text given whole.
 */
package dev.aeon.fuzz.embed;
