/** {@code ./aeon bench slb}: the semantic lookaside buffer on a turn-by-turn LoCoMo replay, with and without it. */
package dev.aeon.bench.slb;
