package dev.aeon.index.atlas;

import dev.aeon.common.io.DurableFiles;
import dev.aeon.index.atlas.store.CorruptIndexException;
import dev.aeon.index.atlas.store.FileHeader;
import dev.aeon.index.atlas.store.Manifest;
import dev.aeon.index.atlas.store.ManifestData;
import dev.aeon.index.atlas.store.PageFile;
import dev.aeon.index.atlas.store.PageLayout;
import dev.aeon.index.atlas.store.VectorFile;
import dev.aeon.index.kernel.Kernels;
import dev.aeon.index.kernel.VectorKernels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.agrona.collections.LongHashSet;
import org.roaringbitmap.IntIterator;
import org.roaringbitmap.RoaringBitmap;

/**
 * Atlas: a persistent, page-clustered INT8 vector index over cosine similarity.
 *
 * <p>Vectors are L2-normalised on entry. Their INT8 codes live in fixed-size pages of a memory-mapped
 * file, clustered by a routing tree of centroids (a B+-tree-like tree whose leaves own short lists of
 * pages); the FP32 originals live in a mapped sidecar for exact re-ranking. A search descends the tree
 * with a beam to the {@code nprobe} best leaves, scores their pages with the bulk INT8 kernel and
 * re-ranks the best candidates exactly.
 *
 * <p>Ids are unsigned 32-bit values ({@code [0, 2^32 - 1]}), so that a {@link RoaringBitmap} allow-list
 * can filter them ({@code (int) id}).
 *
 * <p>Threads: any number of threads may search at any time without locking; mutations ({@code add},
 * {@code addAll}, {@code remove}, {@code compact}, {@code flush}, {@code close}) are serialised on an
 * internal lock. A search that starts after {@code remove(id)} returned never returns {@code id}.
 * Call {@code close} only after searches have stopped.
 *
 * <p>Durability: {@link #flush} makes the files a consistent state that {@link #open} restores exactly;
 * changes after the last flush are lost on a crash (the engine's WAL replays them).
 */
public final class AtlasIndex implements AutoCloseable {

  private final Path dir;
  private final AtlasConfig config;
  private final Storage st;
  private final Routing rt;
  private final Searcher searcher;
  private final TreeWriter writer;
  private final SkippedMerges skippedMerges;
  private final Object writeLock = new Object();
  /** Orders manifest writes, which run outside {@link #writeLock} ({@link StagedFlush#commit()}). */
  private final Object manifestLock = new Object();
  private long stages; // writer lock
  private long manifestSequence = -1; // manifest lock: the stage the manifest on disk names
  private final ChecksumCache checksums = new ChecksumCache(); // manifest lock
  private volatile boolean closed;
  private final SelfChecks checks;

  private AtlasIndex(Path dir, AtlasConfig config, Storage st, Routing rt, VectorKernels kernels,
      List<Leaf> mergesWaiting) {
    this.dir = dir;
    this.config = config;
    this.st = st;
    this.rt = rt;
    this.searcher = new Searcher(st, rt, kernels);
    this.skippedMerges = new SkippedMerges(dir, mergesWaiting);
    this.writer = new TreeWriter(st, rt, searcher, kernels, skippedMerges);
    this.checks = new SelfChecks(searcher, st, this::size);
  }

  /** Creates a new, empty index in {@code dir} (created if needed; must not already hold an index). */
  public static AtlasIndex create(Path dir, AtlasConfig config) throws IOException {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(config, "config");
    DurableFiles.createDirectories(dir);
    if (Manifest.exists(dir)) {
      throw new IllegalStateException(dir + " already holds an Atlas index; open it instead");
    }
    PageFile pages = PageFile.create(dir, new PageLayout(config.dim(), config.pageCapacity()));
    VectorFile vectors;
    try {
      vectors = VectorFile.create(dir, config.dim());
    } catch (IOException e) {
      pages.close();
      throw e;
    }
    Storage st = new Storage(config, pages, vectors);
    Routing rt = new Routing(config.dim());
    Leaf first = rt.newLeaf();
    Node root = new Node(new Node.Children(new Object[] {first}, new float[config.dim()]));
    first.parent = root;
    rt.publishRoot(root);
    AtlasIndex index = new AtlasIndex(dir, config, st, rt, Kernels.best(), List.of());
    try {
      index.flush();
    } catch (IOException | RuntimeException e) {
      st.close();
      throw e;
    }
    return index;
  }

  /** Opens the index in {@code dir}, checking every file. */
  public static AtlasIndex open(Path dir) throws IOException {
    Objects.requireNonNull(dir, "dir");
    if (!Manifest.exists(dir)) {
      throw new java.nio.file.NoSuchFileException(dir.resolve(Manifest.NAME).toString(), null, "no Atlas index here");
    }
    ManifestData m = Manifest.read(dir);
    AtlasConfig config;
    try {
      config = new AtlasConfig(m.dim(), m.pageCapacity(), m.pagesPerLeaf(), m.fanout());
    } catch (IllegalArgumentException e) {
      // The manifest's checksums hold, so it was written (or made) with this configuration: the file is bad,
      // not an argument of the caller.
      throw new CorruptIndexException(dir.resolve(Manifest.NAME), FileHeader.BYTES, "configuration out of range: "
          + e.getMessage());
    }
    PageFile pages = PageFile.open(dir, new PageLayout(m.dim(), m.pageCapacity()), m.pageHighWater());
    Storage st;
    try {
      st = new Storage(config, pages, VectorFile.open(dir, m.dim(), m.slotHighWater()));
    } catch (IOException e) {
      pages.close();
      throw e;
    }
    Routing rt = new Routing(m.dim());
    List<Leaf> mergesWaiting;
    try {
      mergesWaiting = Persistence.restore(dir, m, st, rt);
      // A crash's part of a later manifest: it was never renamed into place, so the state it would name is lost.
      Files.deleteIfExists(dir.resolve(Manifest.TEMPORARY));
    } catch (IOException | RuntimeException e) {
      st.close();
      throw e;
    }
    return new AtlasIndex(dir, config, st, rt, Kernels.best(), mergesWaiting);
  }

  /** Opens the index in {@code dir} if there is one (its dimension must match), else creates it. */
  public static AtlasIndex openOrCreate(Path dir, AtlasConfig config) throws IOException {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(config, "config");
    if (!Manifest.exists(dir)) {
      return create(dir, config);
    }
    AtlasIndex index = open(dir);
    if (index.config.dim() != config.dim()) {
      index.close();
      throw new IllegalArgumentException(dir + " holds an index of dimension " + index.config.dim()
          + ", not " + config.dim());
    }
    return index;
  }

  public AtlasConfig config() {
    return config;
  }

  public int dimension() {
    return config.dim();
  }

  public Path directory() {
    return dir;
  }

  /**
   * Adds a vector under a new id. Throws if the id is present or the vector is unusable. An add that fails (a
   * device too full for the files to grow) changes nothing.
   */
  public void add(long id, float[] vector) {
    Vectors.checkId(id);
    synchronized (writeLock) {
      // Into the writer's buffer, which the insert only reads (the vector file and the pages take copies).
      float[] unit = writer.scratch().unit;
      Vectors.unitInto(vector, config.dim(), id, unit);
      checkOpen();
      if (st.ids.get(id) >= 0) {
        throw new IllegalArgumentException("id " + id + " is already in the index (remove it first to update)");
      }
      writer.insert(id, unit);
    }
  }

  /** The writer's buffers (InsertScratchTest scrambles them between inserts). */
  InsertScratch insertScratch() {
    return writer.scratch();
  }

  /** The index's files and allocation state (InsertScratchTest compares what two indexes' pages store). */
  Storage storage() {
    return st;
  }

  /** The routing tree (StagedFlushTest compares a reopened copy's with the one at a stage). */
  Routing routing() {
    return rt;
  }

  /**
   * Adds a batch. Every id and vector is checked before anything is written, so a batch refused for one of
   * them adds nothing. An empty index builds its tree from the batch by hierarchical k-means, which is faster
   * and clusters better than one insert at a time; such a build that fails (a device too full for the files to
   * grow) adds nothing either. Otherwise (an index that is not empty, or a batch of fewer than two leaves'
   * capacity) the batch is added one vector at a time, and a failure keeps the vectors added before it: each is whole,
   * the failed one and those after it are not there ({@link #contains} tells which), so that the caller may add the
   * rest once there is room.
   */
  public void addAll(long[] ids, float[][] vectors) {
    Objects.requireNonNull(ids, "ids");
    Objects.requireNonNull(vectors, "vectors");
    if (ids.length != vectors.length) {
      throw new IllegalArgumentException(ids.length + " ids for " + vectors.length + " vectors");
    }
    int dim = config.dim();
    float[] data = new float[Math.multiplyExact(ids.length, dim)];
    LongHashSet seen = new LongHashSet();
    for (int i = 0; i < ids.length; i++) {
      Vectors.checkId(ids[i]);
      if (!seen.add(ids[i])) {
        throw new IllegalArgumentException("id " + ids[i] + " appears twice in the batch");
      }
      System.arraycopy(Vectors.unitCopy(vectors[i], dim, "vector of id " + ids[i]), 0, data, i * dim, dim);
    }
    synchronized (writeLock) {
      checkOpen();
      for (long id : ids) {
        if (st.ids.get(id) >= 0) {
          throw new IllegalArgumentException("id " + id + " is already in the index");
        }
      }
      if (st.ids.size() == 0 && st.tombstones.cardinality() == 0 && ids.length >= 2 * config.leafCapacity()) {
        bulkBuild(ids, data);
        return;
      }
      float[] v = new float[dim];
      for (int i = 0; i < ids.length; i++) {
        System.arraycopy(data, i * dim, v, 0, dim);
        writer.insert(ids[i], v.clone());
      }
    }
  }

  private void bulkBuild(long[] ids, float[] data) {
    List<Leaf> emptyTree = rt.liveLeaves();
    float[] center = st.sketchCenter;
    st.sketchCenter = mean(data, config.dim());
    Node root;
    try {
      root = new BulkBuilder(st, rt, Kernels.best()).build(ids, data);
    } catch (RuntimeException | Error e) {
      st.sketchCenter = center; // the builder undid the rest: the empty index stays as it was
      throw e;
    }
    // The empty index's leaves (pageless) leave with the tree they belong to, once its successor is built:
    // retired before, a build that failed half way left them in the tree, an insert after it appended to a
    // leaf no longer registered, and the next manifest named a leaf it did not hold.
    for (Leaf l : emptyTree) {
      l.retire();
      rt.unregister(l);
      for (int p : l.pages()) {
        st.retirePage(p);
      }
    }
    rt.publishRoot(root);
  }

  /** The mean of the rows of {@code data}: no entry is live, so the sketches may take a new center. */
  private static float[] mean(float[] data, int dim) {
    double[] sum = new double[dim];
    for (int i = 0; i < data.length; i++) {
      sum[i % dim] += data[i];
    }
    float[] mean = new float[dim];
    int rows = data.length / dim;
    for (int d = 0; d < dim; d++) {
      mean[d] = (float) (sum[d] / rows);
    }
    return mean;
  }

  /**
   * Removes {@code id}; throws if it is not in the index. A remove that fails (a device too full for the
   * compaction it sets off) removes nothing.
   */
  public void remove(long id) {
    Vectors.checkId(id);
    synchronized (writeLock) {
      checkOpen();
      if (!writer.remove(id)) {
        throw new IllegalArgumentException("id " + id + " is not in the index");
      }
    }
  }

  /**
   * Removes those of {@code ids} the index holds, skipping the others, and returns how many it removed: as many
   * {@link #remove}s, but each leaf they take to a quarter dead is compacted once, after all of them, rather than
   * once per quarter of what it has left (a session's events, near each other, fill leaves of their own). A call
   * that fails (a device too full for the compactions it sets off) removes nothing.
   */
  public int removeAll(long[] ids) {
    Objects.requireNonNull(ids, "ids");
    for (long id : ids) {
      Vectors.checkId(id);
    }
    synchronized (writeLock) {
      checkOpen();
      return writer.removeAll(ids);
    }
  }

  /** Its read path (tests: the descent's choice). */
  Searcher searcher() {
    return searcher;
  }

  /** Its write path (tests: {@link TreeWriter#countedForTests}). */
  TreeWriter writer() {
    return writer;
  }

  /** Leaves compacted since the index was opened (tests). */
  long compactions() {
    synchronized (writeLock) {
      return writer.compactions();
    }
  }

  public boolean contains(long id) {
    return id >= 0 && id <= Vectors.MAX_ID && st.ids.get(id) >= 0;
  }

  /**
   * The vector stored under {@code id}, as the index holds it: scaled to unit length (what every search
   * compares); null if {@code id} is not in the index.
   */
  public float[] vector(long id) {
    if (id < 0 || id > Vectors.MAX_ID) {
      return null;
    }
    int token = st.gate.enter();
    try {
      checkOpen();
      int slot = st.ids.get(id);
      if (slot < 0 || st.tombstones.get(slot)) {
        return null;
      }
      float[] v = new float[config.dim()];
      st.vectors.read(slot, v);
      return v;
    } finally {
      st.gate.exit(token);
    }
  }

  /** Live vectors. */
  public long size() {
    return st.ids.size();
  }

  public SearchResult search(float[] query, int k) {
    return search(query, k, SearchParams.defaults(), null);
  }

  public SearchResult search(float[] query, int k, SearchParams params) {
    return search(query, k, params, null);
  }

  /**
   * The {@code k} most similar live vectors to {@code query} whose ids are in {@code filter} (null:
   * no filter). A filter smaller than what the descent would score switches to an exact scan of it.
   */
  public SearchResult search(float[] query, int k, SearchParams params, RoaringBitmap filter) {
    return searchFrom(prepare(query), k, params, filter, null, true);
  }

  /** Like {@link #search(float[], int, SearchParams, RoaringBitmap)}, for a query prepared already. */
  public SearchResult search(PreparedQuery query, int k, SearchParams params, RoaringBitmap filter) {
    Objects.requireNonNull(query, "query");
    return searchFrom(query, k, params, filter, null, true);
  }

  /**
   * Checks {@code query} (this index's dimension, finite components, not all zeros) and prepares it for
   * any number of searches: normalised and quantized once.
   */
  public PreparedQuery prepare(float[] query) {
    return new PreparedQuery(Vectors.unitCopy(query, config.dim(), "query"));
  }

  /**
   * Like {@link #search}, scoring the leaves {@code leafIds} (from an earlier result) in addition to
   * the descent's leaves, or instead of them when {@code descend} is false. Leaves that no longer exist
   * are listed in {@link SearchResult#missingLeaves()}.
   */
  public SearchResult searchFrom(float[] query, int k, SearchParams params, RoaringBitmap filter, int[] leafIds,
      boolean descend) {
    return searchFrom(prepare(query), k, params, filter, leafIds, descend);
  }

  private SearchResult searchFrom(PreparedQuery q, int k, SearchParams params, RoaringBitmap filter, int[] leafIds,
      boolean descend) {
    if (q.dimension() != config.dim()) {
      throw new IllegalArgumentException("query has dimension " + q.dimension() + ", the index has " + config.dim());
    }
    checkK(k);
    Objects.requireNonNull(params, "params");
    checkOpen();
    int nprobe = params.targetRecall() > 0 && params.nprobe() == 0
        ? checks.calibration().nprobeFor(params.targetRecall()) : params.effectiveNprobe();
    int token = st.gate.enter();
    try {
      checkOpen(); // again inside the gate: close unmaps the pages only after the readers in it have left
      if (filter != null && descend && filter.getLongCardinality() <= expectedScored(nprobe)) {
        return searcher.exactScan(q, k, filter);
      }
      SearchParams p = checks.resolve(params);
      // An nprobe of every leaf scores every leaf, which takes an unbounded beam (see below): the automatic beam of
      // nprobe / 2 nodes a level had left half the leaves of a tree thinned by deletes out, and their vectors.
      boolean everyLeaf = nprobe >= rt.leafCount() && params.beamWidth() == 0;
      SearchResult r = everyLeaf
          ? searcher.search(q, k, Integer.MAX_VALUE, Integer.MAX_VALUE, p, filter, leafIds, descend)
          : searcher.search(q, k, nprobe, p.effectiveBeam(nprobe), p, filter, leafIds, descend);
      // nprobe leaves may hold fewer than k vectors (a large k), or fewer than k the filter allows: score twice
      // as many leaves each time until k are found or every leaf was, so that k come back whenever k are there.
      long reachable = Math.min(k, size());
      if (filter != null && r.size() < reachable) {
        reachable = indexed(filter, reachable); // a filter may name ids without a vector: those are not there
      }
      while (descend && r.size() < reachable && !everyLeaf) {
        nprobe = (int) Math.min(rt.leafCount(), 2L * Math.max(1, nprobe));
        // Scoring every leaf takes an unbounded beam too: the beam keeps about nprobe / 2 inner nodes a level,
        // and deletes leave a node its last leaf (empty), so a thinned tree has about as many nodes as leaves.
        everyLeaf = nprobe >= rt.leafCount();
        // Every leaf is every leaf the descent reaches: splits meanwhile may make more than were counted here, and a
        // descent to the leaves counted had left out the last ones it scored, and the ids in them.
        r = everyLeaf
            ? searcher.search(q, k, Integer.MAX_VALUE, Integer.MAX_VALUE, p, filter, leafIds, descend)
            : searcher.search(q, k, nprobe, p.effectiveBeam(nprobe), p, filter, leafIds, descend);
      }
      return r;
    } finally {
      st.gate.exit(token);
    }
  }

  /** Exact (brute-force) search over every live vector: the ground truth the index is measured against. */
  public SearchResult exactSearch(float[] query, int k) {
    float[] q = Vectors.unitCopy(query, config.dim(), "query");
    checkK(k);
    int token = st.gate.enter();
    try {
      checkOpen();
      return searcher.exhaustive(q, k);
    } finally {
      st.gate.exit(token);
    }
  }

  /**
   * The parameters that reach {@code targetRecall} (recall@10 on a sample of the index's own vectors),
   * from a calibration measured on first use; once the index grew or shrank by a quarter, it is measured
   * again in the background while the previous one keeps answering.
   */
  public SearchParams calibrate(double targetRecall) {
    if (!(targetRecall > 0 && targetRecall <= 1)) {
      throw new IllegalArgumentException("targetRecall must be in (0, 1]: " + targetRecall);
    }
    checkOpen(); // a first calibration searches the pages, which close unmapped
    return SearchParams.nprobe(checks.calibration().nprobeFor(targetRecall));
  }

  /**
   * Whether automatic searches use the sketch pass on this index ({@link SketchCheck}), measured for the
   * index as it is now.
   */
  public boolean sketchesUsed() {
    checkOpen();
    checks.refreshNow();
    return resolve(SearchParams.defaults()).sketchDepth() == 0;
  }

  /**
   * {@code params} as this index applies them: an automatic sketch depth off where its sketches fail
   * their check (the check searches use, which may lag a growing index by a background measurement).
   */
  public SearchParams resolve(SearchParams params) {
    Objects.requireNonNull(params, "params");
    int token = st.gate.enter();
    try {
      checkOpen(); // inside the gate: resolving may measure the sketches, which reads the pages
      return checks.resolve(params);
    } finally {
      st.gate.exit(token);
    }
  }

  /** The index's measurements of itself (for tests in this package). */
  SelfChecks checks() {
    return checks;
  }

  /**
   * How many of the filter's ids this index holds, counted up to {@code atMost}; {@code atMost} once the count has
   * visited as many of the filter's ids as the index holds vectors. Counting further would cost more than the
   * scoring of every leaf it could spare, and a filter of nearly every id ([0, 2^32) but one id of the index) had
   * a search of an index of 100 vectors visit 2^32 ids, holding the reader gate (and so the reclamation) meanwhile.
   */
  private long indexed(RoaringBitmap filter, long atMost) {
    long n = 0;
    long budget = size();
    for (IntIterator ids = filter.getIntIterator(); ids.hasNext() && n < atMost; budget--) {
      if (budget == 0) {
        return atMost;
      }
      if (contains(Integer.toUnsignedLong(ids.next()))) { // ids are unsigned 32-bit
        n++;
      }
    }
    return n;
  }

  /**
   * About how many entries a descent to {@code nprobe} leaves scores: no more leaves than there are (an
   * nprobe of Integer.MAX_VALUE, "every leaf", would otherwise send a filter of billions of ids to the
   * exact scan, which visits every id of the filter).
   */
  private long expectedScored(int nprobe) {
    int leaves = Math.max(1, rt.leafCount());
    return (long) Math.min(nprobe, leaves) * Math.max(1, size() / leaves);
  }

  /**
   * Leaves left small by deletes whose merge into a sibling was skipped because the page file could not grow (a full
   * device) and waits still: the index stays correct, only less tidy, and the next forget or compaction that finds
   * room merges them. Kept across a reopen and a crash: the manifest names those of the last flush. Any thread.
   */
  public int mergesWaiting() {
    return skippedMerges.size();
  }

  /**
   * Compacts every leaf that holds tombstones, and merges the leaves whose merge was skipped for want of room if
   * there is room now; returns how many were compacted.
   */
  public int compact() {
    synchronized (writeLock) {
      checkOpen();
      return writer.compactAll();
    }
  }

  /**
   * Forces pages and sidecar to disk, then atomically replaces the manifest. After it returns, a crash
   * or {@link #open} restores exactly this state. Pages and slots retired before it become reusable.
   * Holds the index's lock throughout; {@link #stageFlush()} holds it only for the snapshot.
   *
   * @return how long each step took
   */
  public FlushTimes flush() throws IOException {
    synchronized (writeLock) {
      return stageFlush().commit();
    }
  }

  /**
   * The first half of a {@link #flush()}: takes the snapshot of the current state under the index's lock;
   * the returned flush's {@link StagedFlush#commit()} forces the files and writes the manifest without
   * it. Stages may overlap; their commits never replace a newer manifest with an older one.
   */
  public StagedFlush stageFlush() {
    synchronized (writeLock) {
      checkOpen();
      long start = System.nanoTime();
      Persistence.Snapshot snapshot = Persistence.snapshot(st, rt, skippedMerges);
      return new StagedFlush(this, snapshot, stages++, st.retiredMark(), st.hasRetired(), System.nanoTime() - start);
    }
  }

  /**
   * Unless a later stage's manifest is already written: forces pages and sidecar (everything the snapshot
   * names was written before it, and none of it changes after), makes the staged manifest (its bitmaps, and
   * the checksums of the pages written since the last flush) and writes it; then frees what was retired before
   * the snapshot once the readers that may still see it have left.
   */
  FlushTimes commit(StagedFlush staged) throws IOException {
    long start = System.nanoTime();
    long forced;
    synchronized (manifestLock) {
      if (staged.sequence <= manifestSequence) {
        return new FlushTimes(0, staged.snapshotNanos(), 0);
      }
      st.pages.force();
      st.vectors.force();
      forced = System.nanoTime();
      Manifest.write(dir, Persistence.manifest(staged.snapshot, st.pages, checksums));
      manifestSequence = staged.sequence;
    }
    long written = System.nanoTime();
    if (staged.reclaims) {
      st.gate.synchronize(); // outside the writer's lock: a search may take a while to leave
      synchronized (writeLock) {
        st.reclaim(staged.retired);
      }
    }
    return new FlushTimes(forced - start, staged.snapshotNanos(), written - forced);
  }

  public AtlasStats stats() {
    int token = st.gate.enter();
    try {
      int[] shape = new int[3]; // inner nodes, depth, leaves
      long[] sums = new long[3]; // pages, centroid code bytes, dead entries
      walk(rt.root(), 1, shape, sums);
      // 16-bit centroid rows of every child, INT8 centroid codes (descent), a float per leaf (its mean's length).
      long routing = (long) (shape[0] + shape[2]) * config.dim() * Short.BYTES + sums[1]
          + (long) shape[2] * Float.BYTES;
      long sidecar = (long) st.slotHighWater * new dev.aeon.index.atlas.store.VectorLayout(config.dim()).recordBytes;
      // Dead entries still in pages, counted by their leaves: a deleted slot's tombstone bit stays set after its
      // leaf is compacted (until the slot is reused), so the bitmap counts every delete since the last reuse.
      return new AtlasStats(size(), sums[2], shape[2], shape[0], shape[1], sums[0],
          st.layout.pageBytes + st.layout.sketches.blockBytes() + Integer.BYTES, routing, sidecar);
    } finally {
      st.gate.exit(token);
    }
  }

  private static void walk(Node n, int depth, int[] shape, long[] sums) {
    shape[0]++;
    shape[1] = Math.max(shape[1], depth);
    sums[1] += n.children().codes().bytes();
    for (Object kid : n.children().kids()) {
      if (kid instanceof Leaf l) {
        shape[2]++;
        sums[0] += l.pages().length;
        sums[2] += l.dead; // the writer's count, read racily: a statistic
      } else {
        walk((Node) kid, depth + 1, shape, sums);
      }
    }
  }

  /** Flushes and closes the files. Searches must have stopped. */
  @Override
  public void close() throws IOException {
    close(true);
  }

  /**
   * Closes the files without a flush, leaving the index as its last flush wrote it, as a crash would: for
   * an owner that can no longer vouch for what the index holds since (its log failed, or refused to open),
   * and will rebuild it from its log instead.
   */
  public void closeWithoutFlush() throws IOException {
    close(false);
  }

  private void close(boolean flush) throws IOException {
    synchronized (writeLock) {
      if (closed) {
        return;
      }
      try {
        if (flush) {
          flush();
        }
      } finally {
        closed = true;
        checks.close(); // before the wait below: a measurement that enters the gate after it must see it closed
        st.gate.synchronize(); // searches that passed checkOpen() still read the pages (the VNNI kernel unguarded)
        st.close();
      }
    }
  }

  private static void checkK(int k) {
    if (k <= 0) {
      throw new IllegalArgumentException("k must be positive: " + k);
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the index in " + dir + " is closed");
    }
  }
}
