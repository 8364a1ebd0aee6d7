/** Helpers every benchmark command shares: the JSON report header and writer, arguments, timing, a RESP client. */
package dev.aeon.bench.util;
