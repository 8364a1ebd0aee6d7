package dev.aeon.engine;

import dev.aeon.blob.BlobArena;
import dev.aeon.blob.BlobArenaOptions;
import dev.aeon.blob.InvalidBlobRefException;
import dev.aeon.common.FirstFailure;
import dev.aeon.common.ebr.Epochs;
import dev.aeon.common.ebr.Reclaimer;
import dev.aeon.common.io.DurableFiles;
import dev.aeon.common.io.Uninterruptibly;
import dev.aeon.index.atlas.AtlasConfig;
import dev.aeon.index.atlas.AtlasIndex;
import dev.aeon.index.atlas.StagedFlush;
import dev.aeon.index.atlas.store.Manifest;
import dev.aeon.query.trace.StagedCheckpoint;
import dev.aeon.query.trace.Trace;
import dev.aeon.wal.Wal;
import dev.aeon.wal.WalOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The four stores of one namespace, each in its own subdirectory: {@code wal/}, {@code atlas/} (created
 * with the first vector, whose length fixes the dimension), {@code trace/} and {@code blobs/}; and the
 * record of the embedding model of its vectors ({@link EmbeddingModel}).
 */
final class Stores implements AutoCloseable {

  /** Slots of the log's append ring: more than the threads that write a namespace at once, as a rule. */
  private static final int RING_SLOTS = 1024;

  final Path dir;
  final Epochs epochs;
  final BlobArena blobs;
  final Trace trace;
  final Wal wal;
  final EmbeddingModel model;
  private final AtomicReference<AtlasIndex> atlas;

  private Stores(Path dir, Epochs epochs, BlobArena blobs, Trace trace, Wal wal, EmbeddingModel model,
      AtomicReference<AtlasIndex> atlas) {
    this.dir = dir;
    this.model = model;
    this.epochs = epochs;
    this.blobs = blobs;
    this.trace = trace;
    this.wal = wal;
    this.atlas = atlas;
  }

  /**
   * Opens the four stores, checking that they belong together ({@link OpenChecks}) before any of them
   * changes a file: the log first, the trace's checkpoint against it, then the arena and the trace, and
   * the index last, since a missing manifest is only fine if the trace names no vector.
   */
  static Stores open(Path dir, AeonOptions options, Reclaimer reclaimer) throws IOException {
    DurableFiles.createDirectories(dir);
    Epochs epochs = new Epochs(Epochs.Config.defaults(), reclaimer);
    Wal wal = null;
    BlobArena blobs = null;
    Trace trace = null;
    AtomicReference<AtlasIndex> atlas = new AtomicReference<>();
    try {
      Path walDir = dir.resolve("wal");
      wal = Wal.open(walDir, WalOptions.defaults()
          .durability(switch (options.durability()) {
            case SYNC -> dev.aeon.wal.Durability.SYNC;
            case ASYNC -> dev.aeon.wal.Durability.ASYNC;
            case OFF -> dev.aeon.wal.Durability.OFF;
          })
          .segmentSize(options.walSegmentBytes())
          // Each write waits for its record to be written, so the ring holds at most one record per writing
          // thread: a quarter of the log's default saves each of a server's many namespaces 86 KB of heap.
          .ringSize(RING_SLOTS)
          // A mutation (its text included) must fit one segment; larger ones are refused before logging.
          .maxPayload(options.maxEventBytes()));
      Path traceDir = dir.resolve("trace");
      OpenChecks.logCoversTrace(wal, Trace.checkpointLsn(traceDir), walDir, traceDir);
      BlobArena arena = blobs = BlobArena.open(dir.resolve("blobs"), BlobArenaOptions.defaults(), epochs);
      trace = Trace.open(traceDir, ref -> readText(arena, ref), new IndexRecall(atlas::get));
      OpenChecks.arenaHoldsTraceTexts(arena, trace.graph(), dir.resolve("blobs"));
      Path atlasDir = dir.resolve("atlas");
      if (Manifest.exists(atlasDir)) {
        atlas.set(AtlasIndex.open(atlasDir));
      } else {
        OpenChecks.noVectorsWithoutIndex(trace.graph(), atlasDir);
        if (Files.isDirectory(atlasDir)) {
          // Created by the first vector but never flushed: no checkpoint covers it, so the log holds every
          // vector it had and replay rebuilds it from scratch.
          deleteTree(atlasDir);
        }
      }
      return new Stores(dir, epochs, blobs, trace, wal, EmbeddingModel.open(dir), atlas);
    } catch (IOException | RuntimeException e) {
      AtlasIndex a = atlas.get();
      closeQuietly(a == null ? null : a::closeWithoutFlush, e);
      closeQuietly(trace, e);
      closeQuietly(blobs, e);
      closeQuietly(wal, e);
      closeQuietly(epochs, e);
      throw e;
    }
  }

  /** What {@link AeonOptions#maxEventBytes} is, for the messages that refuse a larger mutation. */
  static final String MAX_MUTATION_BYTES_IS =
      "half the largest log segment, AeonOptions.withWalSegmentBytes, at most 16 MiB";

  /** The vector index, or null until the first vector is remembered. */
  AtlasIndex atlas() {
    return atlas.get();
  }

  /** The text behind a blob ref, or null if it was freed meanwhile (a concurrent forget). */
  static String readText(BlobArena blobs, long ref) {
    try {
      return blobs.readString(ref);
    } catch (InvalidBlobRefException gone) {
      return null;
    }
  }

  /**
   * The vector index, created for vectors of {@code dim} components if there is none yet. Writer only: on a
   * writer's thread, so the index is created on a thread of its own, out of reach of the writer's
   * interrupts (which would close its files' channels half way, see {@link Uninterruptibly}).
   */
  AtlasIndex atlasFor(int dim) {
    AtlasIndex a = atlas.get();
    if (a == null) {
      try {
        a = Uninterruptibly.call(() -> AtlasIndex.openOrCreate(dir.resolve("atlas"), AtlasConfig.of(dim)));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create the vector index in " + dir.resolve("atlas"), e);
      }
      atlas.set(a);
    }
    return a;
  }

  /**
   * The stores' state at a checkpoint's LSN, noted under the write lock ({@link #stage}); {@link #commit}
   * makes it durable while writers go on: the blob arena's texts, then the index, then the trace. The order
   * matters: the trace's checkpoint names where replay starts, so no store may be behind it.
   */
  record Staged(BlobArena blobs, StagedFlush index, StagedCheckpoint trace, long traceNanos) {

    /** Makes the staged state the one a reopen starts from. */
    void commit() throws IOException {
      blobs.force(); // also whatever was stored since the stage: more than the trace will name
      if (index != null) {
        index.commit();
      }
      trace.commit();
    }
  }

  /**
   * Notes the state a checkpoint at {@code lsn} names: the index's snapshot (null while there is no index
   * yet) and the trace's appends written out; if {@code compactTrace}, the trace's meta log written anew
   * without what forgotten events left in it ({@link Trace#stageCheckpoint(long, boolean)}), which replaces
   * the old one when the trace's checkpoint commits. Writer only.
   */
  Staged stage(long lsn, boolean compactTrace) {
    AtlasIndex a = atlas.get();
    StagedFlush index = a != null ? a.stageFlush() : null;
    long start = System.nanoTime();
    StagedCheckpoint staged = trace.stageCheckpoint(lsn, compactTrace);
    return new Staged(blobs, index, staged, System.nanoTime() - start);
  }

  @Override
  public void close() throws IOException {
    close(atlas.get());
  }

  /**
   * Closes the stores without flushing the index: after a failure, when the log may not hold everything the
   * index does (a flush would write an index ahead of the log, which opening refuses; the next open starts
   * from the index's last checkpoint and replays the log), or when the last checkpoint holds everything.
   */
  void closeWithoutFlush() throws IOException {
    AtlasIndex a = atlas.get();
    close(a == null ? null : a::closeWithoutFlush);
  }

  private void close(AutoCloseable index) throws IOException {
    closeInOrder(wal, index, trace, blobs, epochs);
  }

  /**
   * Closes each of {@code resources} (nulls skipped) in order, whatever the ones before threw, even an
   * {@link Error}: one store's failure must not leave the others' files open and mapped. Throws the first
   * failure, the later ones suppressed in it: an IOException or an Error as it is, any other exception
   * wrapped in an IOException (which the namespace's close reports with the namespace's name).
   */
  static void closeInOrder(AutoCloseable... resources) throws IOException {
    Throwable first = null;
    for (AutoCloseable c : resources) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Throwable t) {
        first = FirstFailure.of(first, t);
      }
    }
    switch (first) {
      case null -> { }
      case IOException e -> throw e;
      case Error e -> throw e;
      default -> throw new IOException(first);
    }
  }

  /**
   * Deletes {@code d} and everything under it. A folder the walk cannot enter throws its IOException, as a file that
   * cannot be deleted does: the walk wraps it in an UncheckedIOException, which got past the callers' handling of
   * IOException (the deletion of the scratch space, which logs and goes on, let it out of Aeon.open with the
   * directory locked).
   */
  static void deleteTree(Path d) throws IOException {
    List<Path> all;
    try (var files = Files.walk(d)) {
      all = files.sorted(java.util.Comparator.reverseOrder()).toList();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    for (Path p : all) {
      Files.delete(p);
    }
  }

  private static void closeQuietly(AutoCloseable c, Exception cause) {
    if (c != null) {
      try {
        c.close();
      } catch (Exception e) {
        cause.addSuppressed(e);
      }
    }
  }
}
