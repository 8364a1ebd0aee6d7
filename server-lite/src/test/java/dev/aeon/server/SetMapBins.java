package dev.aeon.server;

/**
 * Keys whose entries fall in one bin of the server's map of vector sets (a {@code ConcurrentHashMap} by {@code
 * <namespace>\0<key>}), in its first table of 16, as that map spreads hashes: for tests that a command on one key
 * holds no command on another key of its bin.
 */
final class SetMapBins {

  private SetMapBins() {}

  /** A key of namespace "default" other than {@code key} whose entry falls in the same bin. */
  static String keyOfTheSameBin(String key) {
    int bin = bin("default\0" + key);
    for (int i = 0; ; i++) {
      if (bin("default\0k" + i) == bin) {
        return "k" + i;
      }
    }
  }

  private static int bin(String mapKey) {
    int h = mapKey.hashCode();
    return (h ^ (h >>> 16)) & 15;
  }
}
