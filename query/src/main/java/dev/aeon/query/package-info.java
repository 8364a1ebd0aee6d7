/**
 * Trace, the episodic event graph, and its Cypher-like query language.
 */
package dev.aeon.query;
