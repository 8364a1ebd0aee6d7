package dev.aeon.engine;

import dev.aeon.blob.BlobArena;
import dev.aeon.common.io.CorruptFileException;
import dev.aeon.common.io.Utf8Text;
import dev.aeon.query.trace.TraceGraph;
import java.util.Arrays;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.LongArrayList;

/**
 * At replay, the texts the blob arena holds that no event of the trace's checkpoint names, for the events that
 * replay appends again to take instead of storing their texts twice. The arena is made durable before the trace
 * at each checkpoint, and its texts are written through a mapping that a process crash leaves in place, so after a
 * crash it often holds the texts of events logged after the trace's checkpoint already: stored again, the first
 * copies stayed live blobs that no event names, until a compaction.
 *
 * <p>Only remember stores texts, under the writer's lock in the log's order, and the arena hands out refs in
 * ascending order: the texts of the events logged after the trace's checkpoint have refs above every ref its
 * events name. A blob above those is named by no event, so an event replay appends may take one holding exactly its
 * text, each blob once, whichever write stored it (that event's, a write in flight at the crash, or an earlier
 * replay's copy): no two events ever share a blob, and a forget frees nothing another event reads.
 */
final class UnnamedTexts {

  private final BlobArena blobs;
  /** Refs above the highest one the trace's checkpoint names; read into {@link #byHash} at the first take. */
  private final long[] refs;
  /** The refs not yet taken, by the hash of their bytes. */
  private Int2ObjectHashMap<LongArrayList> byHash;

  private UnnamedTexts(BlobArena blobs, long[] refs) {
    this.blobs = blobs;
    this.refs = refs;
  }

  /**
   * The arena's live blobs above every ref {@code trace} names (its forgotten events' too), found before replay
   * changes either: a replayed forget frees its event's text only at the next checkpoint, and no text replay
   * stores or takes is among them.
   */
  static UnnamedTexts before(BlobArena blobs, TraceGraph trace) {
    long named = 0;
    for (int slot = 0, n = trace.slotCount(); slot < n; slot++) {
      named = Math.max(named, trace.blobRef(slot));
    }
    return new UnnamedTexts(blobs, blobs.liveRefsAbove(named));
  }

  /** A blob holding exactly {@code text} that no event names, now taken by the caller's; 0 if there is none. */
  long take(String text) {
    if (refs.length == 0) {
      return 0;
    }
    if (byHash == null) {
      byHash = readRefs();
    }
    byte[] bytes = Utf8Text.encode("text", text);
    LongArrayList same = byHash.get(Arrays.hashCode(bytes));
    for (int i = 0; same != null && i < same.size(); i++) {
      long ref = same.getLong(i);
      if (Arrays.equals(bytes, blobs.readBytes(ref))) {
        same.removeAt(i);
        return ref;
      }
    }
    return 0;
  }

  private Int2ObjectHashMap<LongArrayList> readRefs() {
    Int2ObjectHashMap<LongArrayList> map = new Int2ObjectHashMap<>();
    for (long ref : refs) {
      try {
        map.computeIfAbsent(Arrays.hashCode(blobs.readBytes(ref)), h -> new LongArrayList()).addLong(ref);
      } catch (CorruptFileException damaged) {
        // Not taken: the event's text is stored again. Named by no event, the blob was never read before either.
      }
    }
    return map;
  }
}
