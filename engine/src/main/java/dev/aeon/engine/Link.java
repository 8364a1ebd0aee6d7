package dev.aeon.engine;

/**
 * A typed, directed link between two events, valid in {@code [validFromMicros, validToMicros)} (see
 * {@link Memory#link}).
 */
public record Link(String type, long from, long to, long validFromMicros, long validToMicros) {}
