package dev.aeon.query.trace;

/** Which edges of an event to follow. */
public enum Direction {
  OUT, IN, BOTH;

  boolean out() {
    return this != IN;
  }

  boolean in() {
    return this != OUT;
  }
}
