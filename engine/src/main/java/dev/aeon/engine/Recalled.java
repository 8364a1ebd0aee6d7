package dev.aeon.engine;

/** An event found by similarity, with its cosine similarity to the query. */
public record Recalled(Event event, float score) {}
