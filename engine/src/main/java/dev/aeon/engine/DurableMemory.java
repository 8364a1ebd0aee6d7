package dev.aeon.engine;

import dev.aeon.blob.BlobArena;
import dev.aeon.common.FirstFailure;
import dev.aeon.common.Quietly;
import dev.aeon.common.TextEmbedder;
import dev.aeon.common.io.Uninterruptibly;
import dev.aeon.engine.log.Mutation;
import dev.aeon.engine.log.Mutation.AddLink;
import dev.aeon.engine.log.Mutation.ForgetEvent;
import dev.aeon.engine.log.Mutation.ForgetSession;
import dev.aeon.engine.log.Mutation.Invalidate;
import dev.aeon.engine.log.Mutation.LinkTo;
import dev.aeon.engine.log.Mutation.RememberBatch;
import dev.aeon.engine.log.Mutation.RememberEvent;
import dev.aeon.engine.log.Mutation.SetAttributes;
import dev.aeon.engine.log.MutationCodec;
import dev.aeon.index.atlas.AtlasIndex;
import dev.aeon.query.trace.Trace;
import dev.aeon.wal.Wal;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntSupplier;
import java.util.function.Predicate;

/**
 * One namespace: the write-ahead log sequences every mutation, which is then applied to the vector index,
 * the blob arena and the trace ({@link MutationApplier}); reads go to the stores directly and never take
 * the writer's lock.
 *
 * <p>Writers: a mutation is checked, then logged and applied under one lock, so the log's order is the
 * order of application; the writer then waits outside the lock until the log has made the record as
 * durable as the mode promises, so concurrent writers share one force (group commit); inside
 * {@link DeferredDurability#call} it leaves that wait to {@link DeferredDurability#await}. A reader may see
 * a mutation shortly before it is acknowledged; one that is never acknowledged (a crash) is gone after
 * recovery.
 */
final class DurableMemory implements Memory, AutoCloseable {

  private static final System.Logger LOG = System.getLogger(DurableMemory.class.getName());

  private final String name;
  private final AeonOptions options;
  private final Stores stores;
  private final MutationApplier applier;
  private final Reads reads;
  private final Checkpoints checkpoints;
  /** Reads end before the stores close ({@link #close}). */
  private final ReadGate readGate;
  private final ReentrantLock writeLock = new ReentrantLock();
  private volatile long nextId;
  private volatile Throwable failure;
  private volatile boolean closed;
  private volatile boolean closedToReopen;
  /** Close skips its checkpoint: this namespace's files are deleted next ({@link #closeAndDiscard}). */
  private volatile boolean discardOnClose;
  /** Closed for an import to replace it ({@link #closeToReplaceIfEmpty}). */
  private volatile boolean replaced;
  /** Set last by a close that left everything this instance showed in its files ({@link #closedCleanly}). */
  private volatile boolean closedCleanly;

  private DurableMemory(String name, AeonOptions options, Stores stores, BackgroundThreads threads) {
    this.name = name;
    this.options = options;
    this.stores = stores;
    this.reads = new Reads(stores, options, () -> nextId);
    this.applier = new MutationApplier(stores);
    this.readGate = new ReadGate(stores.epochs);
    this.checkpoints = new Checkpoints(this::checkpointNow, stores.wal, options, threads);
  }

  /** Opens and recovers the namespace; its background work runs on {@code threads}, which it does not own. */
  static DurableMemory open(String name, Path dir, AeonOptions options, BackgroundThreads threads) {
    return open(name, dir, options, threads, TransferProgress.NONE);
  }

  /**
   * {@link #open(String, Path, AeonOptions, BackgroundThreads)}, telling {@code progress} of the records replayed
   * ({@link TransferProgress.Step#REPLAYING}), from the thread that opens it (not the caller's).
   */
  static DurableMemory open(String name, Path dir, AeonOptions options, BackgroundThreads threads,
      TransferProgress progress) {
    // Opening reads and writes through file channels, which an interrupt would close half way
    // (ClosedByInterruptException), and a failed open is thrown again to every caller for a second: it
    // runs on a thread of its own, out of reach of the caller's interrupts.
    try {
      return Uninterruptibly.call(() -> openAndRecover(name, dir, options, threads, progress));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open namespace '" + name + "'", e); // openAndRecover throws none
    }
  }

  private static DurableMemory openAndRecover(String name, Path dir, AeonOptions options,
      BackgroundThreads threads, TransferProgress progress) {
    Stores stores;
    try {
      stores = Stores.open(dir, options, threads.reclaimer);
    } catch (IOException e) {
      throw OpenFailures.of(name, dir, e);
    }
    DurableMemory m;
    try {
      m = new DurableMemory(name, options, stores, threads);
      m.nextId = NamespaceRecovery.recover(name, stores, m.applier, progress);
    } catch (IOException | RuntimeException | Error e) {
      // An Error too (an InternalError: the blob arena cut short under its mapping while the log is replayed): it
      // left the stores open, their log locked until the JVM exited, so every later open said "already open" instead
      // of what the files hold (RecoveryErrorTest). Their close's own Error (the arena's commit record written into
      // that file) is suppressed as its exceptions are.
      try {
        stores.closeWithoutFlush(); // files as they were: the refused state is kept for salvage
      } catch (IOException | RuntimeException | Error suppressed) {
        e.addSuppressed(suppressed);
      }
      if (e instanceof IOException io) {
        throw OpenFailures.of(name, dir, io);
      }
      throw FirstFailure.unchecked(e);
    }
    return m;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public long remember(Remember r) {
    Objects.requireNonNull(r, "event");
    Inputs.notInABatch(r);
    Prepared event = prepare(r);
    CompletableFuture<Long> durable;
    long id;
    writeLock.lock();
    try {
      checkWritable();
      event.checkAgainst(this);
      id = nextId;
      if (id > MAX_ID) {
        throw new IllegalStateException("namespace '" + name + "' has used every event id (up to " + MAX_ID
            + "; ids are not reused)");
      }
      RememberEvent logged = event.withId(id);
      byte[] payload = encoded(logged); // an event refused as too large records no model
      if (event.vector() != null && event.model() != null) {
        stores.model.adopt(event.model(), name, "the event's vector"); // the first one records it, before it is logged
      }
      durable = logAndApply(logged, payload);
      nextId = id + 1;
    } finally {
      writeLock.unlock();
    }
    await(durable);
    return id;
  }

  /**
   * Remembers the events as one log record ({@link RememberBatch}), so that a crash leaves all of them or none:
   * every event is checked first, and the batch's one model and dimension (outside the lock; then those the engine
   * embeds are, in one call), then again under the lock where what it names may have changed, and only then is the
   * batch logged and applied.
   */
  @Override
  public List<Long> rememberAll(List<Remember> events) {
    Objects.requireNonNull(events, "events");
    int n = events.size();
    checkBatchSize(n);
    checkWritable();
    if (n == 0) {
      return List.of();
    }
    checkBatchFitsARecord(events, options);
    Map<Remember, Integer> indexes = BatchIndexes.of(events);
    List<Prepared> prepared = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      try {
        prepared.add(checked(events.get(i)).withBatchLinks(BatchIndexes.links(events.get(i), indexes)));
      } catch (IllegalArgumentException e) {
        throw refusedEvent(i, n, e);
      }
    }
    checkOneModelAndDimension(prepared); // the vectors given, and the model of those to embed
    embedInOneCall(events, prepared); // only once every event has passed its checks
    String batchModel = checkOneModelAndDimension(prepared); // the embedded vectors too
    CompletableFuture<Long> durable;
    long first;
    writeLock.lock();
    try {
      checkWritable();
      for (int i = 0; i < n; i++) {
        try {
          prepared.get(i).checkAgainst(this);
        } catch (IllegalArgumentException e) {
          throw refusedEvent(i, n, e);
        }
      }
      first = nextId;
      if (first + n - 1 > MAX_ID) {
        throw new IllegalStateException("namespace '" + name + "' has " + (MAX_ID - first + 1) + " event ids left"
            + " (up to " + MAX_ID + "; ids are not reused), fewer than the batch's " + n + " events");
      }
      List<RememberEvent> logged = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        logged.add(prepared.get(i).withIds(first + i, first));
      }
      RememberBatch batch = new RememberBatch(logged);
      byte[] payload = encoded(batch); // a batch refused as too large records no model
      if (batchModel != null) {
        stores.model.adopt(batchModel, name, "the batch's vectors"); // the first one records it, before it is logged
      }
      durable = logAndApply(batch, payload);
      nextId = first + n;
    } finally {
      writeLock.unlock();
    }
    await(durable);
    List<Long> ids = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      ids.add(first + i);
    }
    return ids;
  }

  /**
   * Refuses a batch whose vectors come from two embedding models or have two dimensions, as the namespace holds one of
   * each after it: before the embedder runs, on the vectors given and the model of those it is to embed (so that it
   * does not spend its time on a batch refused anyway), and again once it has, on every vector. Returns the batch's
   * model (null if none is named).
   */
  private static String checkOneModelAndDimension(List<Prepared> prepared) {
    return checkOneModelAndDimensionOf(prepared.stream()
        .map(p -> new VectorShape(p.vector() == null ? 0 : p.vector().length, p.model())).toList());
  }

  /** An event's vector as {@link #checkOneModelAndDimension} sees it: its dimension (0 for none yet), its model. */
  private record VectorShape(int dimension, String model) {}

  private static String checkOneModelAndDimensionOf(List<VectorShape> shapes) {
    String batchModel = null;
    int batchDimension = 0;
    for (int i = 0; i < shapes.size(); i++) {
      VectorShape v = shapes.get(i);
      try {
        if (v.dimension() > 0) {
          Inputs.checkDimension(v.dimension(), batchDimension);
          batchDimension = v.dimension();
        }
        if (v.model() != null && batchModel != null && !batchModel.equals(v.model())) {
          throw new IllegalArgumentException("the event's vector comes from the embedding model '" + v.model()
              + "', an earlier event's of the batch from '" + batchModel + "'");
        }
        batchModel = v.model() != null ? v.model() : batchModel;
      } catch (IllegalArgumentException e) {
        throw refusedEvent(i, shapes.size(), e);
      }
    }
    return batchModel;
  }

  /**
   * What {@link #rememberAll} would refuse of {@code events} in namespace {@code namespace} that holds nothing yet,
   * checked without it ({@link Aeon#checkBeforeCreating(String, List)}), in rememberAll's words: too many events, a
   * null one, texts and vectors too large for one record, an event a new namespace refuses, a link to an event not
   * once in the batch, and vectors of two dimensions or two models (as given, then with the embedder's for the events
   * it is to embed). The size of the whole record is left to rememberAll.
   */
  static void checkBatchForNewNamespace(String namespace, List<Remember> events, AeonOptions options) {
    int n = events.size();
    checkBatchSize(n);
    checkBatchFitsARecord(events, options);
    Map<Remember, Integer> indexes = BatchIndexes.of(events);
    TextEmbedder embedder = options.embedder();
    List<VectorShape> given = new ArrayList<>(n);
    List<VectorShape> embedded = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Remember r = events.get(i);
      try {
        Inputs.batchEventForNewNamespace(namespace, r, options.maxEventBytes());
        BatchIndexes.links(r, indexes);
      } catch (IllegalArgumentException e) {
        throw refusedEvent(i, n, e);
      }
      boolean toEmbed = r.vector == null && r.embed && embedder != null;
      String model = r.vector != null ? r.model : toEmbed ? TextEmbedder.namedModel(embedder) : null;
      given.add(new VectorShape(r.vector != null ? r.vector.length : 0, model));
      embedded.add(new VectorShape(r.vector != null ? r.vector.length : toEmbed ? embedder.dimension() : 0, model));
    }
    checkOneModelAndDimensionOf(given);
    checkOneModelAndDimensionOf(embedded);
  }

  private static void checkBatchSize(int n) {
    if (n > MAX_BATCH_EVENTS) {
      throw new IllegalArgumentException("a batch of " + n + " events is more than the " + MAX_BATCH_EVENTS
          + " one call takes (Memory.MAX_BATCH_EVENTS); nothing was remembered: remember them in smaller batches");
    }
  }

  /**
   * Before the embedder sees any of them: the batch's texts and vectors alone must fit the one log record it takes (a
   * char is at least one byte of UTF-8, a float four), so that a batch too large is refused before it is embedded.
   */
  private static void checkBatchFitsARecord(List<Remember> events, AeonOptions options) {
    TextEmbedder embedder = options.embedder();
    long bytes = 0;
    for (Remember r : events) {
      if (r != null) {
        int floats = r.vector != null ? r.vector.length : r.embed && embedder != null ? embedder.dimension() : 0;
        bytes += r.text.length() + 4L * floats;
      }
    }
    if (bytes > options.maxEventBytes()) {
      throw new IllegalArgumentException("the batch's texts and vectors take at least " + bytes + " bytes, more than"
          + " the " + options.maxEventBytes() + " one log record holds (" + Stores.MAX_MUTATION_BYTES_IS + ");"
          + " nothing was remembered: remember its events in smaller batches");
    }
  }

  /** Refuses the batch for its event at {@code index}, of {@code n}, which {@code e} refused. */
  static IllegalArgumentException refusedEvent(int index, int n, IllegalArgumentException e) {
    return new IllegalArgumentException("the batch's event at index " + index + " (of " + n + ", from 0) is refused,"
        + " so the whole batch is and nothing was remembered: " + e.getMessage(), e);
  }

  /**
   * An event checked as far as it can be without the write lock, its vector embedded if the engine gives it one; its
   * id comes under the lock ({@link #withId}).
   */
  private record Prepared(String session, String role, String text, Map<String, Object> attributes, float[] vector,
      String model, List<LinkTo> links, List<BatchIndexes.Link> batchLinks, long ts) {

    /** Under the write lock: what may have changed since it was prepared. */
    void checkAgainst(DurableMemory m) {
      if (vector != null) {
        Inputs.checkDimension(vector, m.dimension()); // again: the first vector may have been logged meanwhile
      }
      for (LinkTo l : links) {
        m.requireEvent(l.target());
      }
    }

    RememberEvent withId(long id) {
      return withIds(id, 0);
    }

    /** The event with the id {@code id}, of a batch whose first event has {@code first}: it names its links' ids. */
    RememberEvent withIds(long id, long first) {
      List<LinkTo> all = links;
      if (!batchLinks.isEmpty()) {
        all = new ArrayList<>(links);
        for (BatchIndexes.Link l : batchLinks) {
          all.add(new LinkTo(l.type(), first + l.index()));
        }
      }
      return new RememberEvent(id, session, role, ts, text, vector, attributes, all);
    }

    Prepared withVector(float[] embedded) {
      return new Prepared(session, role, text, attributes, embedded, model, links, batchLinks, ts);
    }

    Prepared withBatchLinks(List<BatchIndexes.Link> resolved) {
      return new Prepared(session, role, text, attributes, vector, model, links, resolved, ts);
    }
  }

  /** What remember checks of an event before it takes the write lock, and its vector, embedded if it is to be. */
  private Prepared prepare(Remember r) {
    Prepared p = checked(r);
    return needsEmbedding(r) ? p.withVector(embeddedVector(options.embedder().embed(r.text))) : p;
  }

  /**
   * Embeds the batch's events that take their vector from the engine's embedder in one call, so that the embedder may
   * run them side by side (the ONNX embedder runs a call's texts in parallel, on every core).
   */
  private void embedInOneCall(List<Remember> events, List<Prepared> prepared) {
    List<Integer> indexes = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      if (needsEmbedding(events.get(i))) {
        indexes.add(i);
        texts.add(events.get(i).text);
      }
    }
    if (texts.isEmpty()) {
      return;
    }
    List<float[]> vectors = options.embedder().embedAll(texts);
    if (vectors == null || vectors.size() != texts.size()) {
      throw new IllegalStateException("the embedder returned " + (vectors == null ? "no list" : vectors.size()
          + " vectors") + " for " + texts.size() + " texts; nothing was remembered");
    }
    for (int j = 0; j < indexes.size(); j++) {
      int i = indexes.get(j);
      if (vectors.get(j) == null) {
        throw new IllegalStateException("the embedder returned no vector for the batch's event at index " + i + " (of "
            + events.size() + ", from 0); nothing was remembered");
      }
      try {
        prepared.set(i, prepared.get(i).withVector(embeddedVector(vectors.get(j))));
      } catch (IllegalArgumentException e) {
        throw refusedEvent(i, events.size(), e);
      }
    }
  }

  private boolean needsEmbedding(Remember r) {
    return r.vector == null && r.embed && options.embedder() != null;
  }

  private float[] embeddedVector(float[] vector) {
    return Inputs.vector(Inputs.embedded(vector), dimension());
  }

  /**
   * What remember checks of an event before it takes the write lock and before the embedder sees it (which takes about
   * a minute a megabyte): the event without its vector when the engine is to embed it ({@link #needsEmbedding}).
   */
  private Prepared checked(Remember r) {
    String session = Inputs.name("session", r.session);
    String role = Inputs.name("role", r.role);
    Inputs.text("text", r.text);
    Inputs.textFitsALogRecord(r.text, options.maxEventBytes()); // logAndApply checks the whole event
    Map<String, Object> attributes = Inputs.attributes(r);
    String model = r.vector != null ? r.model : needsEmbedding(r) ? embedderModel() : null;
    stores.model.check(model, name, "the event's vector"); // before the embedder spends its time
    float[] vector = r.vector != null ? Inputs.vector(r.vector, dimension()) : null;
    List<LinkTo> links = new ArrayList<>();
    for (Remember.Link l : r.links) {
      links.add(new LinkTo(Inputs.linkType(l.type()), l.target()));
    }
    long ts = r.timestampMicros != null ? r.timestampMicros : nowMicros();
    return new Prepared(session, role, r.text, attributes, vector, model, links, List.of(), ts);
  }

  @Override
  public void link(long from, String type, long to, long validFromMicros, long validToMicros) {
    Inputs.link(type, validFromMicros, validToMicros);
    write(new AddLink(from, type, to, validFromMicros, validToMicros), () -> 1, from, to);
  }

  @Override
  public int invalidate(long from, String type, long to, long atMicros) {
    Inputs.invalidation(type, atMicros);
    return write(new Invalidate(from, type, to, atMicros), () -> {
      Trace.CurrentEdges current = stores.trace.currentEdges(type, from, to); // those the mutation will end
      if (current.count() > 0 && current.latestStart() >= atMicros) {
        // The link would be valid in [start, at), which holds no time: no AS OF could see it.
        throw new IllegalArgumentException("the link " + from + " -[" + type + "]-> " + to + " is valid from "
            + current.latestStart() + ", so it cannot end at " + atMicros + ": an end must be after the start");
      }
      return current.count();
    }, from, to);
  }

  @Override
  public void setAttributes(long id, Map<String, Object> attributes) {
    Map<String, Object> changes = Inputs.attributeChanges(Objects.requireNonNull(attributes, "attributes"));
    // The merged attributes must be storable too, checked against the event's as they are when logged.
    write(new SetAttributes(id, changes), () -> {
      stores.trace.checkAttributeUpdate(id, changes);
      return 1;
    }, id);
  }

  @Override
  public boolean forget(long id) {
    return write(new ForgetEvent(id), () -> stores.trace.contains(id) ? 1 : 0) == 1;
  }

  @Override
  public int forgetSession(String session) {
    Objects.requireNonNull(session, "session");
    Inputs.name("session", session);
    CompletableFuture<Long> durable;
    int count;
    writeLock.lock();
    try {
      checkWritable();
      count = stores.trace.liveSessionCount(session); // a count the trace keeps: no event is made
      if (count == 0) {
        return 0;
      }
      durable = logAndApply(new ForgetSession(session));
      // The session's cached queries go with it (its recalls' vectors, and candidates now forgotten).
      reads.slb().clear(session);
    } finally {
      writeLock.unlock();
    }
    await(durable);
    return count;
  }

  /**
   * Logs and applies a mutation, after checking under the write lock that the {@code events} it names exist
   * and asking {@code affected} how many things it will change (a check that depends on the stores' state,
   * which may also throw). When it says none, nothing is logged. Returns that count once the mutation is
   * durable.
   */
  private int write(Mutation m, IntSupplier affected, long... events) {
    CompletableFuture<Long> durable;
    int count;
    writeLock.lock();
    try {
      checkWritable();
      for (long id : events) {
        requireEvent(id);
      }
      count = affected.getAsInt();
      if (count == 0) {
        return 0;
      }
      durable = logAndApply(m);
    } finally {
      writeLock.unlock();
    }
    await(durable);
    return count;
  }

  /** Under the write lock: logs the mutation (its LSN fixes its order) and applies it at once. */
  private CompletableFuture<Long> logAndApply(Mutation m) {
    checkWritable();
    return logAndApply(m, encoded(m));
  }

  /** The mutation as the log holds it; throws if it is larger than one log record. */
  private byte[] encoded(Mutation m) {
    byte[] payload = MutationCodec.encode(m);
    int maxBytes = options.maxEventBytes();
    if (payload.length > maxBytes) {
      String limit = "more than the " + maxBytes + " one log record holds (" + Stores.MAX_MUTATION_BYTES_IS + ")";
      throw new IllegalArgumentException(m instanceof RememberBatch b
          ? "the batch of " + b.events().size() + " events takes " + payload.length + " bytes in the log (their texts,"
              + " vectors and attributes), " + limit
                  + "; nothing was remembered: remember its events in smaller batches"
          : "this mutation takes " + payload.length + " bytes in the log (its text, vector and attributes), " + limit);
    }
    return payload;
  }

  /** Under the write lock, after {@link #checkWritable}: logs {@code payload}, {@code m} encoded, and applies m. */
  private CompletableFuture<Long> logAndApply(Mutation m, byte[] payload) {
    CompletableFuture<Long> durable = stores.wal.append(MutationCodec.type(m), payload);
    if (durable.isCompletedExceptionally()) {
      return durable; // the log refused it: not applied, so readers never see it (await reports why)
    }
    // The stores write with positional writes and map grown files on threads of their own, out of reach
    // of the caller's interrupts (PositionalWriter, Uninterruptibly). Where those writes go through file
    // channels instead (not Linux), an interrupt would close a channel for good (ClosedByInterruptException):
    // one set before the call is set aside here, and restored for await to see; one that arrives during the
    // apply itself fails the namespace, which the next Aeon.namespace reopens.
    boolean interrupted = Thread.interrupted();
    try {
      if (!applier.apply(m)) {
        // The caller checked under this lock that the trace holds what m names, so this is a bug; left unreported,
        // the stores would stay short of the log until the next open failed on (or applied) the record.
        throw new IllegalStateException("namespace '" + name + "': the stores had nothing to apply the logged "
            + MutationApplier.describe(m) + " to, though it was checked under the write lock before it was logged;"
            + " the namespace failed, and Aeon.namespace reopens it from its files (the log holds the mutation)");
      }
    } catch (RuntimeException | Error e) {
      // Logged but not applied: the stores no longer match the log. Refuse further writes; reopening
      // replays the log and either applies it or reports why it cannot.
      failure = e;
      throw e;
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    checkpoints.logged(payload.length);
    return durable;
  }

  /** The dimension of the namespace's vectors, or 0 before the first. */
  private int dimension() {
    AtlasIndex atlas = stores.atlas();
    return atlas == null ? 0 : atlas.dimension();
  }

  private void requireEvent(long id) {
    if (!stores.trace.contains(id)) {
      throw Inputs.noEvent(id, name);
    }
  }

  /** The last LSN its log has forced: every record up to it survives a power loss (tests). */
  long durableLsn() {
    return stores.wal.durableLsn();
  }

  /** Its applier (tests: {@link MutationApplier#refusedForTests}). */
  MutationApplier applier() {
    return applier;
  }

  /** Its reads' gate (tests). */
  ReadGate readGate() {
    return readGate;
  }

  /** Throws if the namespace is closed (a read checks it inside its gate, {@link ReadGate}). */
  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("namespace '" + name + "' is closed" + (replaced ? ": an import replaced it;"
          + " Aeon.namespace(\"" + name + "\") opens the imported one" : discardOnClose ? " and dropped"
          : closedToReopen ? (failed() ? " after it failed" : "") + "; Aeon.namespace(\"" + name + "\") opens it again"
          : ""));
    }
  }

  /** Closes it for {@link Aeon} to open again: its stale handles then say how to get the new one. */
  void closeToReopen() {
    closedToReopen = true;
    close();
  }

  /** Closes a namespace whose files are deleted next (dropped, or an export's snapshot): nothing is checkpointed. */
  void closeAndDiscard() {
    discardOnClose = true;
    close();
  }

  /**
   * Closes it for an import to replace its files, if it holds no event: checked and closed under the write lock,
   * so that no write goes in between. Returns false, leaving it open, if it holds one. Its stale handles then say
   * that an import replaced it.
   */
  boolean closeToReplaceIfEmpty() {
    writeLock.lock();
    try {
      if (closed || stores.trace.graph().liveCount() > 0) {
        return false;
      }
      closed = true;
      discardOnClose = true;
      replaced = true;
    } finally {
      writeLock.unlock();
    }
    // Not under the write lock: a background checkpoint still running needs it for its pause, and stop waits for it
    checkpoints.stop();
    try {
      closeStores();
    } catch (RuntimeException | Error e) {
      // Its files are deleted next: what closing them reports no longer matters, an Error included (an InternalError
      // from its blob arena cut short under its mapping), which the stores' close throws once it has closed them all.
      // Thrown, it ended the import with this closed instance still in use as the namespace (CloseFailuresTest); so
      // would a log handler that throws.
      Quietly.log(() -> LOG.log(System.Logger.Level.WARNING, "namespace '" + name + "' reported on close before an"
          + " import replaced it: " + e));
    }
    return true;
  }

  private void checkWritable() {
    checkOpen();
    Throwable f = failure != null ? failure : stores.wal.failure();
    if (f != null) {
      throw new IllegalStateException("namespace '" + name + "' failed earlier and must be reopened (Aeon.namespace"
          + " reopens it): " + f, f);
    }
  }

  /**
   * Whether a write failed in a way only reopening repairs: a store refused a logged mutation, or the log
   * failed to write. Reopening recovers what the log made durable.
   */
  boolean failed() {
    return failure != null || stores.wal.failure() != null;
  }

  /**
   * Waits until the mutation is as durable as the mode promises; inside {@link DeferredDurability#call}, collects
   * it there instead and returns at once (it is applied already).
   */
  private void await(CompletableFuture<Long> durable) {
    if (DeferredDurability.collect(stores.wal, name, durable)) {
      return;
    }
    try {
      durable.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UncheckedIOException(new InterruptedIOException(
          "interrupted while waiting for the log; the mutation is applied but may not be durable"));
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      throw new UncheckedIOException("the write-ahead log failed to make a mutation durable",
          c instanceof IOException io ? io : new IOException(c));
    }
  }

  static long nowMicros() {
    java.time.Instant now = java.time.Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }

  // ---- reads ----

  @Override
  public List<Recalled> recall(Recall recall) {
    Objects.requireNonNull(recall, "recall");
    checkOpen();
    stores.model.check(recall.vector != null ? recall.model : embedderModel(), name, "the query");
    float[] q = recall.vector != null ? recall.vector : reads.embedQuery(recall.text); // not inside the gate
    return readGate.read(this::checkOpen, () -> reads.recall(recall, q));
  }

  /**
   * The model of the vectors the engine embeds itself, or null without an embedder or when it names none:
   * the default {@link dev.aeon.common.TextEmbedder#model()}, its class name, names no model, and recorded
   * it would refuse the same model's vectors once the class is renamed.
   */
  private String embedderModel() {
    return options.embedder() == null ? null : dev.aeon.common.TextEmbedder.namedModel(options.embedder());
  }

  @Override
  public Optional<Event> get(long id) {
    return readGate.read(this::checkOpen, () -> reads.get(id));
  }

  @Override
  public List<Event> history(String session, int limit) {
    Objects.requireNonNull(session, "session");
    return readGate.read(this::checkOpen, () -> reads.history(session, limit));
  }

  @Override
  public SessionPage sessions(long cursor, int limit) {
    return readGate.read(this::checkOpen, () -> reads.sessions(cursor, limit));
  }

  @Override
  public QueryResult query(String statement, Map<String, Object> parameters) {
    return readGate.read(this::checkOpen, () -> reads.query(statement, parameters));
  }

  @Override
  public MemoryStats stats() {
    return readGate.read(this::checkOpen, () -> reads.stats(checkpoints));
  }

  /**
   * Cross-checks the stores: every live event's text is readable, its vector is in the index exactly
   * when it says it has one, and the index holds no other vectors. Empty when they agree. Writers wait.
   */
  List<String> inconsistencies() {
    writeLock.lock(); // a write between its stores would show as a disagreement
    try {
      checkOpen(); // under the write lock, which close takes to mark it closed: its stores are open
      return reads.inconsistencies();
    } finally {
      writeLock.unlock();
    }
  }

  // ---- maintenance ----

  @Override
  public void checkpoint() {
    checkWritable();
    checkpoints.runNow();
  }

  /**
   * Under the write lock (the pause writers see, on the pause thread when in the background:
   * {@link Checkpoints#duringPause}) notes the stores' state and the texts forgotten up to the log
   * position it names; then, while writers go on, forces the log up to that position, frees those texts
   * and makes that state durable (the blob arena first, with the frees, then the index and the trace),
   * then checkpoints the log. The texts must be freed by the time the trace's checkpoint is durable:
   * recovery replays only the forgets after it. To erase ({@link #compact}, which first runs
   * {@link #compactStores} under the write lock, then this), all of it is done under the lock, the log
   * checkpoint at the start of a new segment, so that every older segment (and every forgotten text in it)
   * is deleted.
   */
  private void checkpointNow(boolean erase) throws IOException {
    if (erase) {
      compactStores();
    }
    Paused paused = checkpoints.duringPause(() -> pause(erase));
    if (erase) {
      return; // the pause did all of it
    }
    syncLog();
    freeForcedTexts(paused.forgottenTexts());
    Stores.Staged staged = paused.stores();
    staged.commit();
    if (staged.trace().lsn() > stores.wal.checkpointLsn()) {
      stores.wal.checkpoint(staged.trace().lsn());
    }
  }

  /** What a checkpoint noted under the write lock: the stores' state and the texts forgotten up to it. */
  private record Paused(Stores.Staged stores, long[] forgottenTexts) {}

  /** Whether every store and the log are checkpointed at the last logged record. */
  private boolean checkpointIsCurrent() {
    long last = stores.wal.lastLsn();
    return stores.trace.checkpointLsn() == last && stores.wal.checkpointLsn() == last;
  }

  /** A checkpoint's part under the write lock. */
  private Paused pause(boolean erase) throws IOException {
    long start = System.nanoTime();
    long locked;
    long staged;
    long released;
    Paused paused;
    writeLock.lock();
    try {
      locked = System.nanoTime();
      if (failed()) {
        // A mutation was logged and not applied (or not all of it): a checkpoint at the log's end would make
        // durable stores that do not match the log, and replay would skip that record. Reopening repairs it.
        throw new IllegalStateException("namespace '" + name + "' failed earlier and is not checkpointed until"
            + " it is reopened (Aeon.namespace reopens it)");
      }
      long lsn = stores.wal.lastLsn();
      // To erase, the trace's meta log is written anew too: the old one holds forgotten events' attributes and names.
      paused = new Paused(stores.stage(lsn, erase), applier.takeForgottenTexts());
      staged = System.nanoTime();
      if (erase) {
        syncLog();
        freeForcedTexts(paused.forgottenTexts());
        // The log may forget everything before lsn only once the stores are durable at it.
        paused.stores().commit();
        stores.wal.checkpoint(lsn, true);
      }
      released = System.nanoTime(); // not after the unlock: the woken writer may take the core first
    } finally {
      writeLock.unlock();
    }
    checkpoints.paused(CheckpointPause.of(start, locked, paused.stores(), staged, released));
    return paused;
  }

  /**
   * Forces every record logged so far. A checkpoint does so before any store's checkpoint is durable: the
   * stores' checkpoint names an LSN, and a log that a crash left behind it would give later records LSNs
   * that replay skips ({@link OpenChecks#logCoversTrace} refuses such a namespace). It also makes the
   * forgets durable before their texts are freed (a crash must not leave an event whose text is gone).
   */
  private void syncLog() {
    try {
      stores.wal.sync();
    } catch (IOException e) {
      throw new UncheckedIOException("namespace '" + name + "': the log failed to force its records", e);
    }
  }

  /** Frees the texts of forgotten events whose forgets the log has forced ({@link #syncLog}). */
  private void freeForcedTexts(long[] blobRefs) {
    for (long ref : blobRefs) {
      stores.blobs.free(ref);
    }
  }

  /**
   * Copies this namespace's files into {@code target}, a directory that must not exist, as a crash between
   * two writes would leave them: every write acknowledged before the call is in the copy, and opening it
   * recovers it as after a crash (the crash tests' ground). No checkpoint or blob collection runs meanwhile.
   * The files are copied while writers go on, then writers wait while the copy is compared with the files
   * and what changed is copied again ({@link NamespaceCopy#catchUp}); readers never wait. The copy is forced
   * (if {@code durable}) and renamed into place after writers go on. {@code progress} is told of the first pass.
   */
  BackupResult backup(Path target, boolean durable, TransferProgress progress) {
    checkWritable();
    long start = System.nanoTime();
    // Not the lock files either: they hold no data, and opening and closing one in this process (to copy it, or
    // to find its extents) would release the lock this namespace's log or arena holds on it (POSIX drops all of
    // a process's locks on a file when it closes any descriptor of it).
    Set<String> skipped = Set.of(Wal.PREALLOCATED_FILE, Wal.LOCK_FILE, BlobArena.LOCK_FILE);
    Predicate<Path> skip = p -> skipped.contains(p.getFileName().toString());
    try {
      return checkpoints.excludingCheckpoints(() -> {
        NamespaceCopy copy = NamespaceCopy.to(target);
        long paused;
        long lsn;
        try {
          // One a checkpoint's frees started rewrites the arena's files. None starts after it: only checkpoints
          // free texts, and none runs until the backup ends.
          awaitBlobCollection();
          copy.copyFiles(stores.dir, skip, progress);
          long locked;
          writeLock.lock();
          try {
            locked = System.nanoTime();
            checkWritable(); // a failed namespace's stores may not match its log; reopening repairs them
            syncLog(); // the flusher writes nothing more: no record is logged until the lock is released
            lsn = stores.wal.lastLsn();
            copy.catchUp(stores.dir, skip);
          } finally {
            writeLock.unlock();
          }
          paused = System.nanoTime() - locked;
          copy.finish(durable);
        } catch (IOException | RuntimeException e) {
          try {
            copy.abandon();
          } catch (IOException suppressed) {
            e.addSuppressed(suppressed);
          }
          throw e;
        }
        return new BackupResult(target, lsn, copy.files(), copy.bytes(), paused / 1000,
            (System.nanoTime() - start) / 1000);
      });
    } catch (IOException e) {
      throw new UncheckedIOException("backup of namespace '" + name + "' failed: " + OpenFailures.reason(e), e);
    }
  }

  /**
   * Writes this namespace to {@code out} as an export ({@link NamespaceExport}); writers wait meanwhile (an
   * export reads a snapshot of the namespace, which has none).
   */
  ExportCounts export(OutputStream out, TransferProgress progress) throws IOException {
    writeLock.lock();
    try {
      checkOpen();
      return NamespaceExport.write(name, stores.model.name(), reads, stores.atlas(), stores.trace.graph(), nextId, out,
          progress);
    } finally {
      writeLock.unlock();
    }
  }

  private void awaitBlobCollection() throws InterruptedIOException {
    try {
      stores.blobs.awaitBackgroundGc();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for the blob arena's collection to end");
    }
  }

  @Override
  public void compact() {
    checkWritable();
    checkpoints.runNow(true);
  }

  /**
   * A compaction's part before its checkpoint, under the checkpoints' lock (refused after close like them)
   * and on another thread than the caller's (out of reach of its interrupts, see {@link Checkpoints}).
   */
  private void compactStores() {
    writeLock.lock();
    try {
      syncLog();
      freeForcedTexts(applier.takeForgottenTexts());
      AtlasIndex atlas = stores.atlas();
      if (atlas != null) {
        atlas.compact();
      }
      // Under the lock, so no text is stored between reading the live set and collecting.
      stores.blobs.gc(reads.liveBlobRefs());
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    checkpoints.stop();
    // Under the write lock, so that no write is between logging and applying while the stores close, and
    // none is logged after the last checkpoint: a write either went in before it or is refused as closed.
    writeLock.lock();
    try {
      closed = true;
    } finally {
      writeLock.unlock();
    }
    closeStores();
  }

  /**
   * After {@link #closed} is set: the last checkpoint (unless there is nothing to write), then the stores, whatever
   * the checkpoint threw. The first failure is thrown, the stores' suppressed in it: an Error of the checkpoint (an
   * {@code InternalError} from a mapped file cut short) was replaced by the stores' failure to close.
   */
  private void closeStores() {
    boolean checkpointed = false;
    Throwable failure = null;
    try {
      // Under the checkpoints' lock: after a background one still forcing the stores, and before a
      // caller's waiting for it, which is then refused. A namespace that logged nothing since its last
      // checkpoint has nothing to write, and its index is not flushed again (a server closes idle
      // namespaces, many of them only read since they opened).
      boolean flush = !discardOnClose && !failed() && !checkpointIsCurrent();
      checkpoints.runLast(flush);
      checkpointed = flush;
    } catch (UncheckedIOException e) {
      failure = new UncheckedIOException("checkpoint at close of namespace '" + name + "' failed", e.getCause());
    } catch (RuntimeException | Error e) {
      failure = e;
    }
    // Closing flushes the index and forces the stores through file channels, which an interrupt would
    // close half way: it runs on a thread of its own. After a failure the log may not hold what the index
    // does: the index is left at its last checkpoint. Reads that began before the close end first; the stores close
    // whatever that wait throws (a retired resource's close that fails with a VirtualMachineError as it reclaims).
    try {
      readGate.awaitReaders(name);
    } catch (RuntimeException | Error e) {
      failure = FirstFailure.of(failure, e);
    }
    try {
      Uninterruptibly.run(checkpointed ? stores::close : stores::closeWithoutFlush);
    } catch (IOException e) {
      failure = FirstFailure.of(failure, new UncheckedIOException("closing namespace '" + name + "' failed", e));
    } catch (RuntimeException | Error e) {
      failure = FirstFailure.of(failure, e);
    }
    if (failure != null) {
      throw FirstFailure.unchecked(failure);
    }
    // No write goes in after closed was set: the checkpoint above (or the one it found current) covers the last
    // logged mutation, its log forced up to it first (syncLog), whatever the mode; a failed instance was not
    // checkpointed, and a discarded one's files are deleted next.
    closedCleanly = !discardOnClose && !failed();
  }

  @Override
  public boolean closedCleanly() {
    return closedCleanly;
  }
}
