package dev.aeon.index.atlas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.index.atlas.store.EncodedVector;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer keeps its buffers from one insert to the next ({@link InsertScratch}: the vector's unit copy, the leaf's
 * mean, its row's direction, codes and sketch); nothing of one insert may reach the next. Two indexes take the same
 * inserts and removes, and one has its buffers filled with garbage before each ({@link InsertScratch#scramble}):
 * their routing must be the same, which searches after them show (ids, score bits, the leaves reached and their
 * versions), and so must every entry their pages store (codes, scale, sketch and factor: searches need not read an
 * entry's sketch). Both shapes split leaves and inner nodes many times, and compact leaves now and then.
 */
class InsertScratchTest {

  @TempDir
  Path dir;

  @Test
  void anInsertReadsNothingAnEarlierOneLeftInTheWritersBuffers() throws Exception {
    // 96 dims (the descent routes by sketches from 64), pages of 8, leaves of 32, fan-out 8; and the small shape
    // of AtlasIndexTest, 24 dims.
    for (AtlasConfig config : new AtlasConfig[] {new AtlasConfig(96, 8, 4, 8), AtlasIndexTest.SMALL}) {
      int dim = config.dim();
      try (AtlasIndex plain = AtlasIndex.create(dir.resolve("plain-" + dim), config);
          AtlasIndex scrambled = AtlasIndex.create(dir.resolve("scrambled-" + dim), config)) {
        Random r = new Random(2024);
        for (int i = 0; i < 3_000; i++) {
          float[] v = r.nextInt(3) == 0 ? AtlasIndexTest.randomVector(r, dim)
              : AtlasDifferentialTest.clustered(r, dim, r.nextInt(6));
          if (r.nextBoolean()) { // unit length already (copied as it is) or not (scaled)
            double n = 0;
            for (float x : v) {
              n += (double) x * x;
            }
            for (int j = 0; j < dim; j++) {
              v[j] = (float) (v[j] / Math.sqrt(n));
            }
          }
          plain.add(i, v);
          scrambled.insertScratch().scramble();
          scrambled.add(i, v);
          if (i % 7 == 3) { // tombstones, and now and then a leaf compacted
            plain.remove(i - 2);
            scrambled.insertScratch().scramble();
            scrambled.remove(i - 2);
          }
        }
        assertTrue(plain.stats().leaves() > 50 && plain.stats().depth() > 2, "leaves and inner nodes split: "
            + plain.stats());
        Storage sa = plain.storage(), sb = scrambled.storage();
        assertEquals(sa.pageHighWater, sb.pageHighWater);
        for (int p = 0; p < sa.pageHighWater; p++) {
          assertEquals(sa.pages.count(p), sb.pages.count(p), "page " + p);
          for (int i = 0; i < sa.pages.count(p); i++) {
            EncodedVector x = sa.pages.encoded(p, i), y = sb.pages.encoded(p, i);
            String where = dim + " dims, page " + p + ", entry " + i;
            assertEquals(sa.pages.id(p, i), sb.pages.id(p, i), where);
            assertArrayEquals(x.codes(), y.codes(), where);
            assertArrayEquals(x.sketch(), y.sketch(), where);
            assertEquals(x.scale(), y.scale(), where);
            assertEquals(x.sketchFactor(), y.sketchFactor(), where);
          }
        }
        for (int q = 0; q < 20; q++) {
          float[] query = AtlasDifferentialTest.clustered(r, dim, q % 6);
          for (SearchParams p : new SearchParams[] {SearchParams.defaults(), SearchParams.nprobe(2)}) {
            SearchResult a = plain.search(query, 10, p);
            SearchResult b = scrambled.search(query, 10, p);
            String what = dim + " dims, query " + q + ", " + p;
            assertArrayEquals(a.ids(), b.ids(), what);
            assertArrayEquals(a.scores(), b.scores(), what); // bit for bit: assertArrayEquals compares floats exactly
            assertArrayEquals(a.leafIds(), b.leafIds(), what);
            assertArrayEquals(a.leafVersions(), b.leafVersions(), what);
          }
        }
      }
    }
  }
}
