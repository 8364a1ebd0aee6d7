package dev.aeon.engine;

/**
 * What {@link Aeon#exportNamespace} wrote or {@link Aeon#importNamespace} read: the live events, and the links
 * between them.
 */
public record ExportCounts(long events, long links) {}
