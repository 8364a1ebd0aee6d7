/** Lock-free structures Atlas's readers use while its single writer mutates: reader gate, id map, slot bitset. */
package dev.aeon.index.atlas.sync;
