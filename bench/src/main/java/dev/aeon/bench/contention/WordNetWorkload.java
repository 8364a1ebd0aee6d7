package dev.aeon.bench.contention;

import dev.aeon.bench.ann.DataUnavailableException;
import dev.aeon.bench.ann.Datasets;
import dev.aeon.bench.slb.Background;
import dev.aeon.engine.Remember;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.agrona.collections.IntArrayList;

/**
 * {@code --vectors wordnet}: WordNet glosses and their all-MiniLM-L6-v2 vectors, from the cache the recall and
 * lookaside benchmarks share ({@link Background#wordnet}, which embeds what it lacks, with progress, the first
 * time). In WordNet's fixed shuffle: the first {@code events} glosses are the memory, the {@code queries} after
 * them the readers' queries (never remembered), and the writer remembers glosses from the rest, up to
 * {@value #WRITER_GLOSSES} of them. Each gloss the writer remembers is one not in the memory at the time, picked
 * at random, and the gloss of each event it forgets goes back among those it may pick: the memory always holds
 * {@code events} different glosses however long the writer runs, where a writer that went through the spare
 * glosses in turn and began again would fill it with copies once it had been round.
 */
final class WordNetWorkload implements Workload {

  /** At most this many glosses beyond the memory and the queries are the writer's (more need more embedding). */
  static final int WRITER_GLOSSES = 10_000;
  /** A run needs at least this many for the writer, so that it does not remember the same few again and again. */
  static final int LEAST_WRITER_GLOSSES = 1_000;

  private final List<String> texts;
  private final float[][] vectors;
  private final int events;
  private final float[][] queries;
  /** Items of the glosses in neither the memory nor the queries: those the writer may take. */
  private final IntArrayList spare;
  private final SplittableRandom random = new SplittableRandom(11);

  /** The memory is the first {@code events} glosses, the queries the {@code queries} after them. */
  WordNetWorkload(Background glosses, int events, int queries) {
    int writers = glosses.size() - events - queries;
    if (writers < 1) {
      throw new IllegalArgumentException(glosses.size() + " glosses leave none for the writer beside "
          + events + " events and " + queries + " queries");
    }
    this.texts = glosses.texts();
    this.vectors = glosses.vectors();
    this.events = events;
    this.queries = Arrays.copyOfRange(vectors, events, events + queries);
    this.spare = new IntArrayList(writers, Integer.MIN_VALUE);
    for (int item = events + queries; item < glosses.size(); item++) {
      spare.addInt(item);
    }
  }

  /**
   * Loads (embedding what the cache lacks) the glosses a run of {@code events} needs.
   *
   * @throws IllegalArgumentException if WordNet has too few glosses for them, naming the largest {@code events}
   */
  static WordNetWorkload load(int events, int queries) throws IOException, DataUnavailableException {
    int available = Datasets.wordnetGlosses().size();
    return new WordNetWorkload(Background.wordnet(glossesNeeded(events, queries, available)), events, queries);
  }

  /**
   * How many glosses (the first of WordNet's shuffle) a run takes: the memory's, the queries' and up to
   * {@value #WRITER_GLOSSES} for the writer.
   *
   * @throws IllegalArgumentException if {@code available} leaves fewer than {@value #LEAST_WRITER_GLOSSES} for
   *     the writer
   */
  static int glossesNeeded(int events, int queries, int available) {
    long least = (long) events + queries + LEAST_WRITER_GLOSSES;
    if (least > available) {
      throw new IllegalArgumentException(String.format(Locale.ROOT, "--events %,d is more than WordNet's"
          + " %,d glosses hold beside %,d queries and at least %,d for the writer; with --vectors wordnet,"
          + " --events can be at most %,d", events, available, queries, LEAST_WRITER_GLOSSES,
          Math.max(0, available - queries - LEAST_WRITER_GLOSSES)));
    }
    return (int) Math.min(available, (long) events + queries + WRITER_GLOSSES);
  }

  @Override
  public VectorKind kind() {
    return VectorKind.WORDNET;
  }

  @Override
  public String description() {
    return String.format(Locale.ROOT, "WordNet 3.0 glosses (Debian wordnet-base) embedded with all-MiniLM-L6-v2"
        + " (int8 ONNX): the memory holds %,d, the readers' queries are the %,d after them (never in the memory),"
        + " the writer remembers one of the other %,d not in the memory at the time", events, queries.length,
        texts.size() - events - queries.length);
  }

  @Override
  public int events() {
    return events;
  }

  @Override
  public float[][] queries() {
    return queries;
  }

  @Override
  public Remember loaded(int i) {
    if (i < 0 || i >= events) {
      throw new IndexOutOfBoundsException("event " + i + " of " + events);
    }
    return Remember.event("s" + (i % 100), "user", texts.get(i)).vector(vectors[i]);
  }

  @Override
  public int take() {
    return spare.fastUnorderedRemove(random.nextInt(spare.size()));
  }

  @Override
  public Remember event(int item) {
    return Remember.event("churn", "user", texts.get(item)).vector(vectors[item]);
  }

  @Override
  public void giveBack(int item) {
    spare.addInt(item);
  }

  /** How many glosses the writer may take now (for tests). */
  int spare() {
    return spare.size();
  }
}
