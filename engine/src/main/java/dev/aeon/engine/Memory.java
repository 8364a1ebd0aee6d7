package dev.aeon.engine;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One namespace of agent memory (a tenant or an agent). Thread-safe: any number of readers and writers;
 * mutations are ordered by the write-ahead log and applied to the vector index, the trace and the blob
 * arena in that order. Reads never wait for a writer.
 *
 * <p>Interrupts: a caller's interrupt never reaches the stores' files (on Linux; see docs/durability.md,
 * "Interrupts"). A mutation whose wait for durability an interrupt cuts short throws an
 * {@link java.io.UncheckedIOException} caused by an {@link java.io.InterruptedIOException}: it is logged and
 * applied, and durable once a later acknowledged write or checkpoint is. The caller's interrupt stays set.
 *
 * <p>A mutation returns once it is durable per the durability mode, except inside {@link DeferredDurability#call}:
 * there it returns once it is logged and applied, and {@link DeferredDurability#await} waits for it, so that writes
 * made one after the other share forced writes of the log.
 */
public interface Memory {

  /**
   * The largest event id. Ids start at 1 and are never reused, so a namespace holds at most this many
   * events over its life; the vector index and its allow-lists name ids as unsigned 32-bit values.
   */
  long MAX_ID = 0xFFFF_FFFFL;

  /** The most events one {@link #rememberAll} takes. */
  int MAX_BATCH_EVENTS = 10_000;

  /** The namespace's name. */
  String name();

  /**
   * Remembers an event and returns its id once it is durable per the durability mode.
   *
   * @throws IllegalStateException if the namespace has used every id up to {@link #MAX_ID}
   */
  long remember(Remember event);

  /**
   * Remembers the events at once and returns their ids, in the order given (they follow each other), once all of
   * them are durable per the durability mode: they take one log record, so under SYNC one forced write for the
   * batch instead of one per event. All or nothing: a crash leaves every event of an acknowledged batch, and of a
   * batch not yet acknowledged either every event or none, never some (while it is applied, readers may see its
   * events appear one after the other, as those of separate calls). Every event is checked as {@link #remember}
   * checks it before anything is logged: one refused refuses the batch, its message naming the event's index (from
   * 0), and nothing is remembered. The events the engine embeds (no vector given, an embedder in the options) are
   * embedded in one {@link dev.aeon.common.TextEmbedder#embedAll} call, after every event has passed its checks and
   * the batch's vectors given and the embedder's model agree (one model and one dimension for the batch). An empty
   * list remembers nothing.
   *
   * @throws IllegalArgumentException an event is refused; more than {@link #MAX_BATCH_EVENTS} events; or the batch
   *     takes more than one log record holds ({@link AeonOptions#maxEventBytes}: its events' texts, vectors and
   *     attributes encoded), so that it has to be split
   * @throws NullPointerException the list or one of its events is null
   * @throws IllegalStateException if the namespace has fewer event ids left than the batch has events
   */
  List<Long> rememberAll(List<Remember> events);

  /**
   * Adds a typed, directed link, valid in {@code [validFromMicros, validToMicros)}: from its start
   * (Long.MIN_VALUE: since ever) up to, not including, its end (Long.MAX_VALUE: open). The start must be
   * before the end, and the type not {@code NEXT} (a session's order, implicit). A query without
   * {@code AS OF} sees only links whose end is open (never invalidated); {@code AS OF t} sees those
   * valid at {@code t}.
   */
  void link(long from, String type, long to, long validFromMicros, long validToMicros);

  /**
   * Ends the validity of the current links (those whose end is open: a link given an end cannot be ended
   * again) of {@code type} from {@code from} to {@code to} at {@code atMicros}, which must be before
   * Long.MAX_VALUE (an end that means "open") and after the start of each of those links (else
   * IllegalArgumentException, and none is ended). Returns how many links it ended; when there are none,
   * nothing is logged.
   */
  int invalidate(long from, String type, long to, long atMicros);

  /**
   * The events most similar to the query that pass its filters, best first: k of them whenever k pass. The
   * search is approximate. By default it scores the vectors of the index's 48 leaves nearest the query (every
   * one in a small namespace, or when the filters leave few events), which finds about 95% of the exact top 10
   * on the sentence embeddings of the ANN benchmark (docs/benchmarks.md), and less on vectors without structure, such
   * as random ones. {@link Recall#targetRecall} and {@link Recall#nprobe} trade speed for accuracy.
   */
  List<Recalled> recall(Recall recall);

  /** The event with this id, if it exists and was not forgotten. */
  Optional<Event> get(long id);

  /**
   * The last {@code limit} events remembered in a session, the most recently remembered first (the
   * order of remembering, whatever timestamps they were given).
   *
   * @throws IllegalArgumentException if {@code limit} is negative
   */
  List<Event> history(String session, int limit);

  /**
   * A page of the sessions that have at least one event not forgotten, in a fixed order: that in which their
   * names first appeared in the namespace (as a session, a role or a link type; a name that only forgotten
   * events used when the namespace was compacted, used again after a reopen, appears anew, after the others).
   * Start with cursor 0 and pass each page's cursor to get the next, until a page's cursor is 0, as with
   * Redis' SCAN. A session that has live events for the whole listing is listed exactly once; one that
   * gains its first event or loses its last one meanwhile may be listed or not. Cursors stay valid across
   * a restart. A page looks at no more than ten names per session it may hold, so one may hold fewer
   * sessions than the limit, or none, before the last.
   *
   * @param limit the most sessions a page holds, at least 1
   * @throws IllegalArgumentException if the cursor is negative or the limit below 1
   */
  SessionPage sessions(long cursor, int limit);

  /**
   * Runs a statement of the query language (see docs/query-language.md). A statement is not a snapshot: it never
   * finds what was forgotten before it began, reads an event forgotten while it runs as gone from then on (a node
   * returned as null), and may see writes made meanwhile in one step and not in another (the page says exactly).
   *
   * @param parameters the values of the statement's {@code $parameters}; null: none
   */
  QueryResult query(String statement, Map<String, Object> parameters);

  /**
   * Changes attributes of an event: each entry sets or replaces one, and an entry with a null value removes
   * it (use a map that holds nulls, such as a {@code HashMap}); attributes not named stay as they are. Values
   * and names as {@link Remember#attribute} takes them (a name of an event's own property may only be removed).
   */
  void setAttributes(long id, Map<String, Object> attributes);

  /** Forgets an event: its vector, graph node, links and text. Returns false if it did not exist. */
  boolean forget(long id);

  /** Forgets every event of a session; returns how many. */
  int forgetSession(String session);

  /** Makes every component durable on its own and truncates the log before that point. */
  void checkpoint();

  /**
   * Reclaims the space of forgotten data (index pages, blob generations, the trace's meta log), then checkpoints:
   * afterwards no file holds a forgotten event's text or attributes, or a name only forgotten events used.
   */
  void compact();

  MemoryStats stats();

  /**
   * Whether this instance is closed and left every event it showed in the namespace's files: its close (its own,
   * {@link Aeon#closeNamespace}, {@link Aeon#closeIdleNamespaces}, the {@code Aeon}'s) forced the log and checkpointed
   * the stores at the last logged mutation, or found them checkpointed there already, and closed them without a
   * failure. Then the instance {@link Aeon#namespace} opens next holds exactly what this one held, every event under
   * the id it had here, whatever the durability mode (under {@code ASYNC} or {@code OFF}, writes not yet forced when
   * the close began included), as long as the files are not replaced meanwhile (a drop, an import).
   *
   * <p>False while it is open or still closing, and for an instance that failed (its log failed to write, or a store
   * refused a logged mutation: the next instance holds what the log made durable, may lack events this one showed,
   * and gives their ids to new events), whose close failed, or that was dropped or replaced by an import. So is it for
   * a namespace that does not exist ({@link Aeon#reader}), which is never closed. Something that keeps state read from
   * an instance (event ids, counts) may keep it for the next instance when this answers true, and must read it again
   * otherwise.
   */
  boolean closedCleanly();
}
