package dev.aeon.bench.remember;

import dev.aeon.bench.ann.DataUnavailableException;
import dev.aeon.bench.slb.Background;
import dev.aeon.engine.Remember;
import dev.aeon.engine.log.Mutation.RememberBatch;
import dev.aeon.engine.log.Mutation.RememberEvent;
import dev.aeon.engine.log.MutationCodec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the benchmark remembers: WordNet glosses and their all-MiniLM-L6-v2 vectors ({@link Background#wordnet},
 * embedded once and cached), each with a session of 100 and a role of two, taken in turn and again from the first
 * once all were taken. Also each gloss's remember as the engine logs it ({@link MutationCodec}), which the log-only
 * baseline appends: the same records, byte for byte but the ids; and those of {@link #BATCH} glosses at a time
 * remembered at once.
 */
final class Ingest {

  static final int SESSIONS = 100;
  /** The events a batch remembers at once. */
  static final int BATCH = 64;
  /** The timestamp of every event: fixed, so that the logged records are the baseline's to the byte. */
  private static final long TS = 1_700_000_000_000_000L;

  private final List<String> texts;
  private final float[][] vectors;
  private final byte[][] records;
  private final byte[][] batchRecords;

  private Ingest(List<String> texts, float[][] vectors) {
    if (texts.size() < BATCH) {
      throw new IllegalArgumentException("--events " + texts.size() + " is fewer than a batch's " + BATCH);
    }
    this.texts = texts;
    this.vectors = vectors;
    List<RememberEvent> logged = new ArrayList<>(texts.size());
    this.records = new byte[texts.size()][];
    for (int i = 0; i < records.length; i++) {
      RememberEvent r =
          new RememberEvent(i + 1, session(i), role(i), TS, texts.get(i), vectors[i], Map.of(), List.of());
      logged.add(r);
      records[i] = MutationCodec.encode(r);
    }
    this.batchRecords = new byte[texts.size() / BATCH][];
    for (int b = 0; b < batchRecords.length; b++) {
      batchRecords[b] = MutationCodec.encode(new RememberBatch(logged.subList(b * BATCH, (b + 1) * BATCH)));
    }
  }

  static Ingest wordnet(int glosses) throws IOException, DataUnavailableException {
    Background b = Background.wordnet(glosses);
    return new Ingest(b.texts(), b.vectors());
  }

  int size() {
    return records.length;
  }

  /** The {@code n}th event to remember (from 0; past the last gloss, the glosses again). */
  Remember event(long n) {
    int i = (int) (n % records.length);
    return Remember.event(session(i), role(i), texts.get(i)).vector(vectors[i]).at(TS);
  }

  /** The {@code n}th event as the engine logs it: the log record its remember appends. */
  byte[] record(long n) {
    return records[(int) (n % records.length)];
  }

  /** The log record of the {@code b}th batch of {@link #BATCH} events (from 0; past the last, the first again). */
  byte[] batchRecord(long b) {
    return batchRecords[(int) (b % batchRecords.length)];
  }

  /** The mean size of a logged remember, in bytes. */
  double meanRecordBytes() {
    long sum = 0;
    for (byte[] r : records) {
      sum += r.length;
    }
    return (double) sum / records.length;
  }

  private static String session(int i) {
    return "s" + (i % SESSIONS);
  }

  private static String role(int i) {
    return (i & 1) == 0 ? "user" : "assistant";
  }
}
