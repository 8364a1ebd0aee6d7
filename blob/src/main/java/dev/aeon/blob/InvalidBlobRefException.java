package dev.aeon.blob;

/** A ref that does not name a readable blob: never handed out, freed, or collected as dead. */
public final class InvalidBlobRefException extends IllegalArgumentException {

  private final long ref;

  public InvalidBlobRefException(long ref, String why) {
    super("blob ref " + ref + ": " + why);
    this.ref = ref;
  }

  public long ref() {
    return ref;
  }
}
