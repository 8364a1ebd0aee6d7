/** Redis 8 vector sets (VADD, VSIM, ...) mapped onto the sessions of a namespace of the engine. */
package dev.aeon.server.vset;
