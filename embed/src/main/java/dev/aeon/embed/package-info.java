/**
 * In-process text embeddings: sentence-transformer models run through ONNX runtime, nothing downloaded.
 *
 * <p>Arguments: a null where the parameter's javadoc does not say what null means throws a
 * {@link NullPointerException} whose message is the parameter's name, and a value out of range an
 * {@link IllegalArgumentException} that names the parameter and what it may be. Either is thrown before anything is
 * loaded, and leaves the object usable.
 */
package dev.aeon.embed;
