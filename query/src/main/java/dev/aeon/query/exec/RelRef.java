package dev.aeon.query.exec;

/** A relationship value during execution; {@code edge} is -1 for an implicit NEXT edge. */
record RelRef(int edge, int type, int from, int to, long validFrom, long validTo) {}
