package dev.aeon.query.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The growable columns keep every element through the growth of their first chunk (by copies, from
 * {@link FirstChunk#SMALLEST} elements) and of their table, read unwritten elements as their initial value,
 * and hold little for a few elements.
 */
class ColumnsTest {

  private static final int[] INDEXES = {0, 1, 1023, 1024, 1025, 2047, 2048, 5000, 16383, 16384, 16385, 40000, 70000};

  @Test
  void columnsKeepEveryElementWhileTheyGrow() {
    IntColumn ints = new IntColumn(-1);
    LongColumn longs = new LongColumn();
    ObjectColumn<String> objects = new ObjectColumn<>();
    for (int i : INDEXES) {
      ints.setRelease(i, i * 3);
      longs.setRelease(i, i * 5L);
      objects.set(i, "o" + i);
      for (int j : INDEXES) {
        if (j > i) {
          break;
        }
        assertEquals(j * 3, ints.getAcquire(j), "int " + j + " after " + i);
        assertEquals(j * 5L, longs.getAcquire(j), "long " + j + " after " + i);
        assertEquals("o" + j, objects.get(j), "object " + j + " after " + i);
      }
    }
    assertEquals(-1, ints.getAcquire(2), "an unwritten element of a grown first chunk");
    assertEquals(-1, ints.getAcquire(60000), "an unwritten element of a later chunk");
    assertEquals(-7, ints.getAcquireOr(1 << 20, -7));
    assertNull(objects.get(3));
    assertNull(objects.get(1 << 20));
  }

  @Test
  void aFewElementsHoldOneSmallFirstChunk() {
    IntColumn ints = new IntColumn(0);
    LongColumn longs = new LongColumn();
    ObjectColumn<String> objects = new ObjectColumn<>();
    for (int i = 0; i < 10; i++) {
      ints.setRelease(i, i);
      longs.setRelease(i, i);
      objects.set(i, "o");
    }
    assertEquals(FirstChunk.SMALLEST * 4L + 16, ints.heapBytes());
    assertEquals(FirstChunk.SMALLEST * 8L + 16, longs.heapBytes());
    assertEquals(FirstChunk.SMALLEST * 4L + 32, objects.heapBytes());
    assertEquals(-1, ints.getAcquireOr(FirstChunk.SMALLEST, -1), "beyond the first chunk, before it grew");
  }

  @Test
  void edgesKeepTheirFieldsWhileTheRecordsGrow() {
    Adjacency a = new Adjacency();
    SplittableRandom random = new SplittableRandom(7);
    int edges = 20_000; // the first chunk of records grows four times, then whole chunks follow
    int[] from = new int[edges];
    int[] to = new int[edges];
    for (int e = 0; e < edges; e++) {
      from[e] = random.nextInt(3_000);
      to[e] = random.nextInt(3_000);
      assertEquals(e, a.add(e % 5, from[e], to[e], Edge.SINCE_EVER, e % 7 == 0 ? 100 + e : Edge.OPEN));
    }
    int[] seen = new int[1];
    for (int slot = 0; slot < 3_000; slot++) {
      int s = slot;
      a.visit(slot, true, -1, 0, (e, type, f, t, vf, vt) -> {
        assertEquals(e % 5, type);
        assertEquals(s, f);
        assertEquals(from[e], f);
        assertEquals(to[e], t);
        assertEquals(e % 7 == 0 ? 100 + e : Edge.OPEN, vt);
        seen[0]++;
        return true;
      });
    }
    assertEquals(edges, seen[0]);
  }
}
