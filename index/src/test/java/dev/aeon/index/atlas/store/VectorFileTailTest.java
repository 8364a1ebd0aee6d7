package dev.aeon.index.atlas.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.aeon.index.kernel.ScalarKernels;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every insert writes its vector's record on the namespace's one writer thread; records appended at the file's end
 * are gathered in the writer's tail and written to the file together, one call for dozens of inserts. Readers must
 * get each record as soon as its write returns, from the tail or the file; a force, a close and a full tail write
 * the tail; a freed slot taken again is written in place.
 */
class VectorFileTailTest {

  private static final int DIM = 384;

  @TempDir
  Path dir;

  @Test
  void recordsInTheTailAreReadBeforeTheyAreInTheFile() throws Exception {
    Random r = new Random(5);
    float[][] v = vectors(r, 10);
    try (VectorFile file = VectorFile.create(dir, DIM)) {
      for (int s = 0; s < v.length; s++) {
        file.write(s, 1000 + s, v[s]);
        assertRecord(file, s, 1000 + s, v[s]);
      }
      assertEquals(0, file.writes(), "ten appends are still in the tail");
      assertEquals(0f, onDisk(3)[0], "the file does not have them yet");
      file.force();
      assertEquals(1, file.writes(), "a force writes the tail in one call");
      assertArrayEquals(v[3], onDisk(3));
      for (int s = 0; s < v.length; s++) {
        assertRecord(file, s, 1000 + s, v[s]);
      }
    }
  }

  @Test
  void aFullTailIsWrittenInOneCall() throws Exception {
    Random r = new Random(6);
    int perTail = VectorFile.TAIL_BYTES / new VectorLayout(DIM).recordBytes;
    float[][] v = vectors(r, perTail + 1);
    try (VectorFile file = VectorFile.create(dir, DIM)) {
      for (int s = 0; s < perTail; s++) {
        file.write(s, s, v[s]);
      }
      assertEquals(0, file.writes());
      file.write(perTail, perTail, v[perTail]);
      assertEquals(1, file.writes(), "the next append writes the full tail");
      assertArrayEquals(v[perTail - 1], onDisk(perTail - 1));
      for (int s = 0; s <= perTail; s++) {
        assertRecord(file, s, s, v[s]);
      }
    }
  }

  @Test
  void aFreedSlotIsWrittenInPlaceAndTheTailRewrittenWhereItHoldsTheSlot() throws Exception {
    Random r = new Random(7);
    float[][] v = vectors(r, 8);
    try (VectorFile file = VectorFile.create(dir, DIM)) {
      for (int s = 0; s < 4; s++) {
        file.write(s, s, v[s]);
      }
      file.force();
      file.write(4, 4, v[4]);
      long before = file.writes();
      file.write(1, 11, v[5]); // slot 1 freed and taken again: the file holds it
      assertEquals(before + 1, file.writes(), "written in place at once");
      file.write(4, 14, v[6]); // written again (an insert that failed named it first): the tail holds it
      assertEquals(before + 1, file.writes());
      assertRecord(file, 1, 11, v[5]);
      assertRecord(file, 4, 14, v[6]);
    }
    try (VectorFile file = VectorFile.open(dir, DIM, 5)) {
      VectorFile.RecordChecks checks = file.readChecks(5);
      for (int s = 0; s < 5; s++) {
        checks.verify(s, -1);
      }
      assertRecord(file, 0, 0, v[0]);
      assertRecord(file, 1, 11, v[5]);
      assertRecord(file, 4, 14, v[6]);
    }
  }

  @Test
  void aCloseWritesTheTail() throws Exception {
    Random r = new Random(8);
    float[][] v = vectors(r, 3);
    try (VectorFile file = VectorFile.create(dir, DIM)) {
      for (int s = 0; s < v.length; s++) {
        file.write(s, 50 + s, v[s]);
      }
    }
    try (VectorFile file = VectorFile.open(dir, DIM, v.length)) {
      VectorFile.RecordChecks checks = file.readChecks(v.length);
      for (int s = 0; s < v.length; s++) {
        checks.verify(s, 50 + s);
        assertRecord(file, s, 50 + s, v[s]);
      }
    }
  }

  private static void assertRecord(VectorFile file, int slot, long id, float[] expected) {
    float[] out = new float[DIM];
    file.read(slot, out);
    assertArrayEquals(expected, out, "slot " + slot);
    assertEquals(id, file.id(slot), "id of slot " + slot);
    float dot = 0;
    for (float x : expected) {
      dot += x * x;
    }
    assertEquals(dot, file.dot(ScalarKernels.INSTANCE, MemorySegment.ofArray(expected), slot), 1e-4f, "slot " + slot);
  }

  /** The floats of {@code slot}'s record as the file holds them, read through a channel of its own. */
  private float[] onDisk(int slot) throws Exception {
    VectorLayout l = new VectorLayout(DIM);
    try (FileChannel ch = FileChannel.open(dir.resolve(VectorFile.NAME), StandardOpenOption.READ)) {
      ByteBuffer b = ByteBuffer.allocate(4 * DIM).order(ByteOrder.LITTLE_ENDIAN);
      ch.read(b, FileHeader.BYTES + (long) slot * l.recordBytes + VectorLayout.OFF_FLOATS);
      float[] out = new float[DIM];
      b.flip().asFloatBuffer().get(out);
      return out;
    }
  }

  private static float[][] vectors(Random r, int n) {
    float[][] v = new float[n][DIM];
    for (float[] x : v) {
      for (int i = 0; i < DIM; i++) {
        x[i] = (float) r.nextGaussian();
      }
    }
    return v;
  }
}
