package dev.aeon.bench.ann;

import dev.aeon.index.atlas.AtlasConfig;
import dev.aeon.index.atlas.AtlasIndex;
import dev.aeon.index.atlas.AtlasStats;
import dev.aeon.index.atlas.SearchParams;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Aeon's Atlas, bulk-built from the whole base in one {@code addAll}, searched over nprobe and re-rank depth. */
final class AtlasEngine implements AnnEngine {

  /** The nprobes of the routing sweep: the default and two wider ones. */
  static final int[] ROUTING_NPROBES = {SearchParams.DEFAULT_NPROBE, 56, 64};
  /** The routing pools of the routing sweep: the default first. */
  static final int[] ROUTING_POOLS = {SearchParams.DEFAULT_ROUTING_POOL, 3, 4};

  private final Path dir;
  private final boolean routingSweep;
  private AtlasIndex index;

  AtlasEngine(Path dir) {
    this(dir, false);
  }

  /**
   * An engine whose sweep, with {@code routingSweep}, is {@link #ROUTING_NPROBES} x {@link #ROUTING_POOLS} at the
   * default depths: what a wider routing pool buys against a wider nprobe.
   */
  AtlasEngine(Path dir, boolean routingSweep) {
    this.dir = dir;
    this.routingSweep = routingSweep;
  }

  @Override
  public String name() {
    return "aeon";
  }

  @Override
  public void build(float[][] base) throws IOException {
    index = AtlasIndex.create(dir, AtlasConfig.of(base[0].length));
    long[] ids = new long[base.length];
    java.util.Arrays.setAll(ids, i -> i);
    index.addAll(ids, base);
    index.flush();
  }

  AtlasIndex index() {
    return index;
  }

  @Override
  public double bytesPerVector() {
    return index.stats().bytesPerVector();
  }

  @Override
  public String memoryNote() {
    AtlasStats s = index.stats();
    return "pages in use (INT8 codes, sketches, ids, slots, scales) + routing centroids; " + s.leaves() + " leaves, "
        + s.pagesInUse() + " pages of " + s.pageBytes() + " B; the FP32 sidecar (" + s.sidecarBytes() / (1 << 20)
        + " MiB) stays on disk, mapped, read only to re-rank; automatic searches "
        + (index.sketchesUsed() ? "use" : "skip (the sketches fail the index's own check)") + " the sketch pass";
  }

  @Override
  public List<Setting> sweep(boolean quick) {
    if (routingSweep) {
      List<Setting> out = new ArrayList<>();
      for (int p : ROUTING_NPROBES) {
        for (int pool : ROUTING_POOLS) {
          out.add(setting(SearchParams.nprobe(p).withRoutingPool(pool)));
        }
      }
      return out;
    }
    int[] probes = quick ? new int[] {8, 16, 32, 64, 96, 128} : new int[] {8, 12, 16, 24, 32, 40, 48, 56, 64, 80, 96,
        128, 160, 192, 256};
    List<Setting> out = new ArrayList<>();
    for (int p : probes) {
      out.add(setting(SearchParams.nprobe(p)));
      out.add(setting(SearchParams.nprobe(p).withSketchDepth(64).withRerankDepth(64)));
      out.add(setting(SearchParams.nprobe(p).withSketchDepth(96).withRerankDepth(96)));
      out.add(setting(SearchParams.nprobe(p).withSketchDepth(SearchParams.NO_SKETCH)));
    }
    return out;
  }

  Setting setting(SearchParams params) {
    return new Setting(params.toString(), (q, k) -> toInts(index.search(q, k, params).ids()));
  }

  static int[] toInts(long[] ids) {
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = (int) ids[i];
    }
    return out;
  }

  @Override
  public void close() throws IOException {
    if (index != null) {
      index.close();
    }
  }
}
