package dev.aeon.bench.ann;

/** A data set cannot be had here (no registry, no tool, unexpected package contents); the message says why. */
public final class DataUnavailableException extends Exception {

  DataUnavailableException(String message) {
    super(message);
  }

  DataUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
