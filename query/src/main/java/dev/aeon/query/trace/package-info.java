/**
 * Trace, the episodic event graph: mmap event records, append-only edge segments and their in-memory indexes.
 *
 * <p>Arguments: a null where the parameter's javadoc does not say what null means throws a
 * {@link NullPointerException} whose message is the parameter's name, and a value out of range an
 * {@link IllegalArgumentException} that names the parameter and what it may be. Either is thrown before anything is
 * written, and leaves the object usable.
 */
package dev.aeon.query.trace;
