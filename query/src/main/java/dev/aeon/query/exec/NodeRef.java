package dev.aeon.query.exec;

/** A node value during execution: the slot of an event. */
record NodeRef(int slot) {}
