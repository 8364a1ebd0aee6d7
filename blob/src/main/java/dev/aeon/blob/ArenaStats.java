package dev.aeon.blob;

/**
 * A snapshot of an arena's current generation.
 *
 * @param generation number of the authoritative generation file
 * @param liveBlobs blobs that can be read
 * @param liveBytes bytes of their frames (header and padding included)
 * @param freeBlobs freed blobs still taking space until the next collection
 * @param freeBytes bytes of their frames
 * @param fileBytes size of the generation file (preallocated space included)
 */
public record ArenaStats(long generation, long liveBlobs, long liveBytes, long freeBlobs, long freeBytes,
                         long fileBytes) {

  /** Freed bytes over used bytes; 0 for an empty arena. */
  public double garbageRatio() {
    long used = liveBytes + freeBytes;
    return used == 0 ? 0 : (double) freeBytes / used;
  }
}
