package dev.aeon.index.atlas;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The merges of a leaf left small by deletes into a sibling ({@link TreeWriter}) that were skipped because the page
 * file could not grow for the merged leaf's pages (a full device): which leaves wait for one, and how many. The index
 * is correct without them, only less tidy (a leaf of a few entries keeps its own row, which a search scores as it
 * scores a full leaf's), so the forget or compaction that set a merge off goes through without it, and the next
 * forget or compaction that finds room merges the leaves that still wait. Skipped silently, they were merged by no
 * later call, and nothing told that they had been skipped.
 *
 * <p>The leaves waiting when the index is flushed are in its manifest, and wait again after a reopen or a crash:
 * in memory only, they were forgotten by a reopen, and a leaf skipped before was merged only once a later compaction
 * of its own left it small again. Deriving them at open from the leaves' sizes instead would take small leaves no
 * merge was skipped for (a bulk build of clustered sessions leaves a tenth of its leaves under half full), and report
 * them as waiting for room.
 *
 * <p>A run of skips is logged once, at its first (a full device skips one at every forget) or at the open of an
 * index with leaves waiting, and its end once, when no leaf waits any more. The leaves waiting are the writer's; how
 * many is read by any thread (the stats). That is what the stats report, not how many merges were skipped: a full
 * device skips the same leaf's merge again at every forget that retries it (the forget that skipped it first among
 * them), a count that grew with the forgets and said nothing of whether any leaf still waited.
 */
final class SkippedMerges {

  private static final System.Logger LOG = System.getLogger(SkippedMerges.class.getName());

  private final Path dir;
  private final Set<Leaf> waiting = new LinkedHashSet<>();
  private volatile int size; // waiting's, for readers of the stats

  /** With {@code waiting} (of the tree; the manifest's at an open) waiting already. */
  SkippedMerges(Path dir, List<Leaf> waiting) {
    this.dir = dir;
    this.waiting.addAll(waiting);
    size = this.waiting.size();
    if (size > 0) {
      LOG.log(System.Logger.Level.WARNING, "the index in " + dir + " opens with " + size + " leaves left small by"
          + " deletes whose merge was skipped, as the page file could not grow; it merges them at a later forget or"
          + " compaction that finds room");
    }
  }

  /** How many leaves wait for their merge now. Any thread. */
  int size() {
    return size;
  }

  /** Writer only: the merge of {@code leaf} failed to reserve its pages ({@code full}); it waits for a retry. */
  void skipped(Leaf leaf, UncheckedIOException full) {
    if (waiting.isEmpty()) {
      LOG.log(System.Logger.Level.WARNING, "the index in " + dir + " skips merging leaves left small by deletes,"
          + " as the page file cannot grow (" + full.getMessage() + "); it stays correct, and merges them at a"
          + " later forget or compaction that finds room");
    }
    waiting.add(leaf);
    size = waiting.size();
  }

  /** Writer only: the leaves waiting for a merge, oldest first (a copy: a retry changes the set). */
  List<Leaf> waiting() {
    return waiting.isEmpty() ? List.of() : new ArrayList<>(waiting);
  }

  /**
   * Writer only: the ids of the leaves waiting that are still in the tree (one that left it by a split or emptied
   * waits until the next retry lets it go), for the manifest.
   */
  int[] leafIds() {
    return waiting.stream().filter(l -> !l.retired()).mapToInt(l -> l.id).toArray();
  }

  /** Writer only: {@code leaf} waits no more (merged, left the tree, or grew); the run ends with the last one. */
  void done(Leaf leaf) {
    if (!waiting.remove(leaf)) {
      return;
    }
    size = waiting.size();
    if (waiting.isEmpty()) {
      LOG.log(System.Logger.Level.INFO, "the index in " + dir + " has merged or let go the leaves whose merge it"
          + " had skipped");
    }
  }
}
