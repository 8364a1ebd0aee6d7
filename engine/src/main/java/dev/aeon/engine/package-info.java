/**
 * The engine: one durable agent memory built from the WAL, Atlas, Trace and the blob arena.
 *
 * <p>Arguments of the public API: a null where the parameter's javadoc does not say what null means throws a
 * {@link NullPointerException} whose message is the parameter's name, and a value out of range an
 * {@link IllegalArgumentException} that names the parameter and what it may be. Either is thrown before anything is
 * logged, written or created, and leaves the object usable.
 */
package dev.aeon.engine;
