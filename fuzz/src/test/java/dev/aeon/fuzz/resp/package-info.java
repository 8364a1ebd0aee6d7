/** Fuzz tests of the RESP request decoder of server-lite. */
package dev.aeon.fuzz.resp;
