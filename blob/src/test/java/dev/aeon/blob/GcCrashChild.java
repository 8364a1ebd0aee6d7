package dev.aeon.blob;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * Child JVM of {@link GcCrashTest}: runs {@link CrashWorkload} rounds until it is killed, printing
 * {@code COMMITTED k} after round k's force and {@code GC k} after its collection returned.
 */
public final class GcCrashChild {

  private GcCrashChild() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    CrashWorkload workload = new CrashWorkload(Long.parseLong(args[1]));
    BlobArenaOptions options = BlobArenaOptions.defaults().withGcThreshold(Double.POSITIVE_INFINITY)
        .withInitialCapacity(256 << 10);
    try (BlobArena arena = BlobArena.open(dir, options, null)) {
      while (true) {
        CrashWorkload.Round round = workload.next();
        for (int k = round.firstKey(); k < round.firstKey() + CrashWorkload.APPENDS; k++) {
          long ref = arena.append(Blobs.content(k, CrashWorkload.lengthOf(k)));
          if (ref != CrashWorkload.refOf(k)) {
            throw new AssertionError("key " + k + " got ref " + ref);
          }
        }
        for (int k : round.freed()) {
          arena.free(CrashWorkload.refOf(k));
        }
        arena.force();
        System.out.println("COMMITTED " + round.number());
        System.out.flush();
        Set<Long> dropped = new HashSet<>();
        round.dropped().forEach(k -> dropped.add(CrashWorkload.refOf(k)));
        arena.gc(ref -> !dropped.contains(ref));
        System.out.println("GC " + round.number());
        System.out.flush();
      }
    }
  }
}
