/** The engine's own commands (MEM.ADD, MEM.RECALL, MEM.TRACE, MEM.QUERY, ...) over a namespace's Memory. */
package dev.aeon.server.mem;
