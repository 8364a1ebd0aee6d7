/**
 * In-process text embeddings: sentence-transformer models run through ONNX runtime, nothing downloaded.
 */
package dev.aeon.embed;
