/** Helpers every benchmark command shares: the JSON report header and writer. */
package dev.aeon.bench.util;
