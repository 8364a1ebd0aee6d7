/** A long run of the server's kill -9 crash test ({@code ./aeon fuzz}). */
package dev.aeon.fuzz.server;
