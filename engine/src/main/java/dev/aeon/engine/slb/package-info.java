/** The semantic lookaside buffer: per-session memory of recent queries and the candidates that answered them. */
package dev.aeon.engine.slb;
