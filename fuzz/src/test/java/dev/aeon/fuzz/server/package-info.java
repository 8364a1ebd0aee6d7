/**
 * Fuzzing of what clients send the server (FILTER expressions, JSON, whole commands over a connection), of the
 * vector-set commands against a model of their replies, and a long run of the server's kill -9 crash test
 * ({@code ./aeon fuzz}).
 */
package dev.aeon.fuzz.server;
