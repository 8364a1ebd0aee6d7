/**
 * server-lite: the engine over TCP, speaking the Redis protocol (RESP2/RESP3).
 */
package dev.aeon.server;
