package dev.aeon.query.trace;

/** An edge of an event and the event at its other end. */
public record Neighbour(Edge edge, long eventId) {}
