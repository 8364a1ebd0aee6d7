package dev.aeon.blob;

/**
 * Settings of a {@link BlobArena}.
 *
 * @param initialCapacity bytes a new generation file is created with (it grows by doubling, at most 1 GiB a step)
 * @param gcThreshold garbage ratio (freed bytes / used bytes) at which {@code free} starts a collection by
 *     itself; {@code Double.POSITIVE_INFINITY} turns automatic collection off
 * @param autoGcMinBytes no automatic collection while the generation uses fewer bytes than this
 * @param verifyReads check each blob's CRC32C on every read (a torn or damaged blob is then an error, never
 *     garbage bytes); costs a pass over the blob
 * @param maxBlobBytes largest blob accepted by {@code append}
 */
public record BlobArenaOptions(long initialCapacity, double gcThreshold, long autoGcMinBytes, boolean verifyReads,
                               int maxBlobBytes) {

  public BlobArenaOptions {
    if (initialCapacity < 4096) {
      throw new IllegalArgumentException("initialCapacity must be at least 4096, got " + initialCapacity);
    }
    if (!(gcThreshold > 0)) {
      throw new IllegalArgumentException("gcThreshold must be above 0, got " + gcThreshold);
    }
    if (autoGcMinBytes < 0) {
      throw new IllegalArgumentException("autoGcMinBytes must not be negative, got " + autoGcMinBytes);
    }
    if (maxBlobBytes < 0 || maxBlobBytes > Integer.MAX_VALUE - 64) {
      throw new IllegalArgumentException("maxBlobBytes must be in [0, " + (Integer.MAX_VALUE - 64) + "]: "
          + maxBlobBytes);
    }
  }

  /** 1 MiB initial file, collect at 25% garbage once above 4 MiB, verified reads, blobs up to 1 GiB. */
  public static BlobArenaOptions defaults() {
    return new BlobArenaOptions(1L << 20, 0.25, 4L << 20, true, 1 << 30);
  }

  public BlobArenaOptions withInitialCapacity(long value) {
    return new BlobArenaOptions(value, gcThreshold, autoGcMinBytes, verifyReads, maxBlobBytes);
  }

  public BlobArenaOptions withGcThreshold(double value) {
    return new BlobArenaOptions(initialCapacity, value, autoGcMinBytes, verifyReads, maxBlobBytes);
  }

  public BlobArenaOptions withAutoGcMinBytes(long value) {
    return new BlobArenaOptions(initialCapacity, gcThreshold, value, verifyReads, maxBlobBytes);
  }

  public BlobArenaOptions withVerifyReads(boolean value) {
    return new BlobArenaOptions(initialCapacity, gcThreshold, autoGcMinBytes, value, maxBlobBytes);
  }

  public BlobArenaOptions withMaxBlobBytes(int value) {
    return new BlobArenaOptions(initialCapacity, gcThreshold, autoGcMinBytes, verifyReads, value);
  }
}
