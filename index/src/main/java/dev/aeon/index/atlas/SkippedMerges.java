package dev.aeon.index.atlas;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The merges of a leaf left small by deletes into a sibling ({@link TreeWriter}) that were skipped because the page
 * file could not grow for the merged leaf's pages (a full device): how many, and which leaves wait for one. The index
 * is correct without them, only less tidy (a leaf of a few entries keeps its own row, which a search scores as it
 * scores a full leaf's), so the forget or compaction that set a merge off goes through without it, and the next
 * forget or compaction that finds room merges the leaves that still wait. Skipped silently, they were merged by no
 * later call, and nothing told that they had been skipped.
 *
 * <p>A run of skips is logged once, at its first (a full device skips one at every forget), and its end once, when no
 * leaf waits any more. The leaves waiting are the writer's; the count is read by any thread (the stats).
 */
final class SkippedMerges {

  private static final System.Logger LOG = System.getLogger(SkippedMerges.class.getName());

  private final Path dir;
  private final Set<Leaf> waiting = new LinkedHashSet<>();
  private volatile long count;

  SkippedMerges(Path dir) {
    this.dir = dir;
  }

  /** Merges skipped for want of room since the index was opened, retries that found none again included. */
  long count() {
    return count;
  }

  /** Writer only: the merge of {@code leaf} failed to reserve its pages ({@code full}); it waits for a retry. */
  void skipped(Leaf leaf, UncheckedIOException full) {
    count++; // one writer: no lost update
    if (waiting.isEmpty()) {
      LOG.log(System.Logger.Level.WARNING, "the index in " + dir + " skips merging leaves left small by deletes,"
          + " as the page file cannot grow (" + full.getMessage() + "); it stays correct, and merges them at a"
          + " later forget or compaction that finds room");
    }
    waiting.add(leaf);
  }

  /** Writer only: the leaves waiting for a merge, oldest first (a copy: a retry changes the set). */
  List<Leaf> waiting() {
    return waiting.isEmpty() ? List.of() : new ArrayList<>(waiting);
  }

  /** Writer only: {@code leaf} waits no more (merged, left the tree, or grew); the run ends with the last one. */
  void done(Leaf leaf) {
    if (waiting.remove(leaf) && waiting.isEmpty()) {
      LOG.log(System.Logger.Level.INFO, "the index in " + dir + " has merged or let go the leaves whose merge it"
          + " had skipped");
    }
  }
}
