/** The semantic lookaside buffer: per-session memory of recent queries and the index leaves that answered them. */
package dev.aeon.engine.slb;
