/**
 * In-process text embeddings.
 */
package dev.aeon.embed;
