/** Commands: the dispatch table, argument parsing, and the connection and server commands. */
package dev.aeon.server.command;
