package dev.aeon.bench.remember;

import dev.aeon.bench.util.ClosedLoop;
import dev.aeon.bench.util.FlusherCounts;
import dev.aeon.engine.Aeon;
import dev.aeon.engine.AeonOptions;
import dev.aeon.engine.Durability;
import dev.aeon.engine.Memory;
import dev.aeon.engine.Remember;
import dev.aeon.engine.log.MutationCodec;
import dev.aeon.wal.FlusherStats;
import dev.aeon.wal.Wal;
import dev.aeon.wal.WalOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * One configuration under test, open for the whole run in a folder of its own: the engine remembering into a
 * namespace, or its write-ahead log alone appending the records those remembers log. {@code batch} events per
 * operation: one remember (or append) each, or one call that takes them all. {@code flusher} reads what the log's
 * flusher has done on an empty ring so far (spun or blocked, and how soon its writers came back).
 */
record Subject(String kind, Durability mode, int threads, int batch, ClosedLoop.Op op, LongSupplier records,
    Supplier<FlusherStats> flusher, AutoCloseable resource) {

  static final String ENGINE = "engine";
  static final String WAL = "wal";

  /**
   * The engine, in a namespace of its own: {@link Memory#remember} of the next event on each call, or with
   * {@code batch} above 1 {@link Memory#rememberAll} of the next {@code batch} events.
   */
  static Subject engine(Path dir, Durability mode, int threads, int batch, Ingest ingest) {
    Aeon aeon = Aeon.open(dir, AeonOptions.defaults().withDurability(mode));
    Memory memory = aeon.memory();
    AtomicLong next = new AtomicLong();
    ClosedLoop.Op op = batch == 1 ? t -> memory.remember(ingest.event(next.getAndIncrement()))
        : t -> memory.rememberAll(events(ingest, next, batch));
    return new Subject(ENGINE, mode, threads, batch, op, () -> memory.stats().lastLsn(),
        () -> FlusherCounts.of(memory.stats().logFlusher()), aeon);
  }

  /**
   * The log alone, as the engine opens it ({@code Stores}: the mode, the largest segment, the largest record):
   * each call appends the next event's record and waits until it is as durable as the mode says, as a remember
   * does.
   */
  static Subject wal(Path dir, Durability mode, int threads, int batch, Ingest ingest) throws IOException {
    AeonOptions engine = AeonOptions.defaults();
    Wal wal = Wal.open(dir, WalOptions.defaults().durability(walMode(mode)).segmentSize(engine.walSegmentBytes())
        .maxPayload(engine.maxEventBytes()));
    AtomicLong next = new AtomicLong();
    ClosedLoop.Op op = batch == 1
        ? t -> wal.appendAndWait(MutationCodec.REMEMBER, ingest.record(next.getAndIncrement()))
        : t -> wal.appendAndWait(MutationCodec.REMEMBER_BATCH, ingest.batchRecord(next.getAndIncrement()));
    return new Subject(WAL, mode, threads, batch, op, wal::lastLsn, wal::flusherStats, wal);
  }

  static dev.aeon.wal.Durability walMode(Durability mode) {
    return switch (mode) {
      case SYNC -> dev.aeon.wal.Durability.SYNC;
      case ASYNC -> dev.aeon.wal.Durability.ASYNC;
      case OFF -> dev.aeon.wal.Durability.OFF;
    };
  }

  /** The next {@code n} events, for a call that remembers them at once. */
  static List<Remember> events(Ingest ingest, AtomicLong next, int n) {
    long first = next.getAndAdd(n);
    List<Remember> events = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      events.add(ingest.event(first + i));
    }
    return events;
  }

  /** E.g. {@code engine sync x4} or {@code wal sync x1 batch 64}. */
  String label() {
    return label(kind, mode, threads, batch);
  }

  static String label(String kind, Durability mode, int threads, int batch) {
    return kind + " " + mode.name().toLowerCase(Locale.ROOT) + " x" + threads + (batch > 1 ? " batch " + batch : "");
  }

  /** The folder name of this configuration. */
  static String folder(String kind, Durability mode, int threads, int batch) {
    return kind + "-" + mode.name().toLowerCase(Locale.ROOT) + "-" + threads + (batch > 1 ? "-batch" + batch : "");
  }
}
