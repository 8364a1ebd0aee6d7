package dev.aeon.index.atlas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The index's measurements of itself: first taken by the search that needs one, later in the background. */
class SelfChecksTest {

  @TempDir
  Path dir;

  @Test
  void aGrownIndexIsMeasuredAgainInTheBackgroundWhileSearchesGoOn() throws Exception {
    Random r = new Random(21);
    try (AtlasIndex index = AtlasIndex.create(dir, AtlasIndexTest.SMALL)) {
      add(index, r, 0, 1_200);
      assertNull(index.checks().current(), "nothing is measured before a search needs it");
      float[] q = AtlasIndexTest.randomVector(r, AtlasIndexTest.DIM);
      index.search(q, 10);
      assertEquals(1_200, index.checks().current().vectors(), "the first search measures");

      add(index, r, 1_200, 1_400); // less than a quarter more: still current
      index.search(q, 10);
      index.checks().awaitRefresh();
      assertEquals(1_200, index.checks().current().vectors());

      add(index, r, 1_400, 1_600); // a third more than when measured
      assertEquals(10, index.search(q, 10).size(), "the search answers with the check it has");
      index.checks().awaitRefresh();
      assertEquals(1_600, index.checks().current().vectors(), "and the check was measured again meanwhile");
    }
  }

  @Test
  void anIndexThatDoubledIsMeasuredInsideTheSearch() throws IOException {
    Random r = new Random(24);
    try (AtlasIndex index = AtlasIndex.create(dir, AtlasIndexTest.SMALL)) {
      add(index, r, 0, 1_100);
      float[] q = AtlasIndexTest.randomVector(r, AtlasIndexTest.DIM);
      index.search(q, 10);
      index.calibrate(0.9);
      add(index, r, 1_100, 2_200);
      index.search(q, 10);
      assertEquals(2_200, index.checks().current().vectors(), "a check of half the index does not serve");
      index.calibrate(0.9);
      assertEquals(2_200, index.checks().currentCalibration().vectors(), "nor does a calibration of half of it");
    }
  }

  @Test
  void closingWhileAMeasurementRunsWaitsForIt() throws Exception {
    Random r = new Random(22);
    for (int round = 0; round < 5; round++) {
      Path d = dir.resolve("r" + round);
      try (AtlasIndex index = AtlasIndex.create(d, AtlasIndexTest.SMALL)) {
        add(index, r, 0, 1_100);
        float[] q = AtlasIndexTest.randomVector(r, AtlasIndexTest.DIM);
        index.search(q, 10);
        add(index, r, 1_100, 1_500);
        index.search(q, 10); // starts a measurement; close follows at once
      }
      try (AtlasIndex index = AtlasIndex.open(d)) {
        assertEquals(1_500, index.size());
        assertTrue(index.search(AtlasIndexTest.randomVector(r, AtlasIndexTest.DIM), 5).size() == 5);
      }
    }
  }

  /**
   * A measurement asked for by a caller that passed the index's open check just before a close (the window
   * between that check and the gate) finds the index closed inside the gate, instead of searching pages the
   * close unmapped (with the VNNI kernel, which reads by address, that could crash the JVM).
   */
  @Test
  void aMeasurementAfterCloseFindsTheIndexClosed() throws IOException {
    Random r = new Random(25);
    AtlasIndex index = AtlasIndex.create(dir, AtlasIndexTest.SMALL);
    add(index, r, 0, 1_100);
    SelfChecks checks = index.checks();
    index.close();
    assertEquals("the index is closed", assertThrows(IllegalStateException.class, checks::calibration).getMessage());
    assertEquals("the index is closed", assertThrows(IllegalStateException.class, checks::refreshNow).getMessage());
  }

  @Test
  void sketchesUsedAnswersForTheIndexAsItIsNow() throws IOException {
    Random r = new Random(23);
    try (AtlasIndex index = AtlasIndex.create(dir, AtlasIndexTest.SMALL)) {
      add(index, r, 0, 100);
      index.sketchesUsed();
      assertEquals(100, index.checks().current().vectors());
      add(index, r, 100, 1_100);
      index.sketchesUsed();
      assertEquals(1_100, index.checks().current().vectors(), "measured in the calling thread");
    }
  }

  private static void add(AtlasIndex index, Random r, int from, int to) {
    for (int i = from; i < to; i++) {
      index.add(i, AtlasIndexTest.randomVector(r, AtlasIndexTest.DIM));
    }
  }
}
