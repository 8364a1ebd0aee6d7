/** {@code ./aeon bench server}: redis-benchmark against server-lite and a real redis-server on loopback. */
package dev.aeon.bench.server;
