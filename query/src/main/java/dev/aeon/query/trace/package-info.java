/** Trace, the episodic event graph: mmap event records, append-only edge segments and their in-memory indexes. */
package dev.aeon.query.trace;
