package dev.aeon.server.vset;

import dev.aeon.common.io.FileFormatException;
import dev.aeon.engine.DeferredDurability;
import dev.aeon.engine.Event;
import dev.aeon.engine.Memory;
import dev.aeon.engine.Recall;
import dev.aeon.engine.Recalled;
import dev.aeon.engine.Remember;
import dev.aeon.engine.SessionPage;
import dev.aeon.server.ServerContext;
import dev.aeon.server.ServerLog;
import dev.aeon.server.command.CommandError;
import dev.aeon.server.command.JsonValues;
import dev.aeon.server.command.VectorInput;
import dev.aeon.server.vset.StoredVector.Quantization;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Every vector set of the server, by namespace and key, with the operations the commands need. A set exists
 * while it has elements, as in Redis; sets are loaded from the engine on first use and empty ones are not kept.
 *
 * <p>A command's writes to a set are made under the set's lock, its element map updated with them, and their wait
 * for durability comes after the lock is released ({@link #writing}): concurrent writers of one set share the log's
 * forced writes, and a reply still waits for its own write. Another client may therefore see an element (VCARD,
 * VISMEMBER) shortly before the VADD that added it is answered, as the engine lets a reader see a write shortly
 * before it is acknowledged. If the log fails to make a write durable, its namespace fails and the engine reopens it
 * on its next use with what the log made durable, as a new instance, which may lack what a set's element map says
 * (an element added, or still hold one removed) and gives a lost event's id to the next event. A set therefore keeps
 * the instance its map agrees with ({@link VectorSet#memory}), and one whose namespace the engine now hands out as
 * another instance is dropped from memory and read again from it: when a command fetches it ({@link #loaded}), when a
 * writer holds its lock ({@link #locked}), and when a reader reads an element's event by its id ({@link #event},
 * {@link #search}). That needs no word from whoever met the failure (under {@code --durability async} nobody waits for
 * the force that fails), and covers a set being loaded as its namespace fails. A namespace closed as idle comes back as
 * a new instance too, holding every event the old one showed ({@link Memory#closedCleanly}): a set of it is not read
 * again, but agrees with the new instance from then on ({@link VectorSet#agreesWith}).
 */
public final class VectorSets {

  /** Event attribute holding an element's JSON attributes as given (VGETATTR returns it unchanged). */
  public static final String JSON_ATTRIBUTE = "vset.attr";

  /** One search result: the element, its similarity (1 = same direction, 0 = opposite) and its JSON attributes. */
  public record Match(String element, double score, String attributes) {}

  /**
   * The recall@10 a VSIM without EF asks the index for (it calibrates how many leaves that takes on the
   * set's own vectors), so that the default answer is good on any data, clustered or not.
   */
  static final double DEFAULT_RECALL = 0.95;

  /** {@link Query#nprobe()} asking for an exact search (VSIM TRUTH). */
  public static final int EXACT = -1;

  /** What a search asks; nprobe 0 is the index's default, {@link #EXACT} probes every leaf. */
  public record Query(VectorInput.Given vector, String element, int count, double epsilon, FilterExpression filter,
      int filterEffort, int nprobe) {}

  /** One page of {@link #scan}: the keys found and the cursor to go on from (0 at the end). */
  public record KeyPage(List<String> keys, long cursor) {}

  /** What VINFO reports. */
  public record Info(Quantization quantization, int dimension, int size, String namespace, String session) {}

  /**
   * Tests only, null otherwise: run by a command that holds the set it fetched from memory, before it uses it (a
   * writer just before it takes the set's lock, {@link #writing}; VEMB and VGETATTR before they read the element's
   * event, {@link #event}), so that a test can hold the command there while the set's namespace fails and is
   * reopened, then let it go on and see what it does with the set it holds.
   */
  static volatile Runnable afterFetching;

  /**
   * Tests only, null otherwise: run by a command loading a set, once it has read the set's events from the namespace
   * that holds them and before the set is kept, so that a test can hold the load there while that namespace fails.
   */
  static volatile Runnable afterLoading;

  private final ServerContext server;
  private final ConcurrentHashMap<String, VectorSet> sets = new ConcurrentHashMap<>();
  private final AbsentKeys absent = new AbsentKeys();

  public VectorSets(ServerContext server) {
    this.server = server;
  }

  /**
   * The set of {@code key}, loaded on first use, and read again if the engine now hands out another instance of its
   * namespace than the one its element map agrees with, unless that one closed cleanly ({@link
   * #agreesWithItsNamespace}); one loaded by this call is not checked again (inside a command the set's namespace stays
   * the instance the command first used, which the load read). The map of sets only gets an empty set here: the load
   * runs after, under the set's lock, as {@code computeIfAbsent} holds the map's bin locked while it computes, and a
   * load (as long as the set is large and the disk slow) would hold every command on a key of that bin behind it
   * ({@code VectorSetLoadHoldsNoOtherKeyTest}); the commands on the same key wait for it on the set's lock. So are the
   * older events of its elements that the load found ({@link VectorSet#load}) forgotten here, after the load, out of
   * the set's lock: outside a pipeline a forget waits for its forced write ({@code VectorSetLoadOfDuplicatesTest}).
   * On a connection's thread none of that runs: a set not in memory, not loaded, or with older events to forget sends
   * the command to the pool ({@link ServerContext#requireThePool}), as does a namespace to open again ({@link
   * #agreesWithItsNamespace} asks for it as open now only).
   */
  private VectorSet loaded(String ns, String key) {
    while (true) {
      VectorSet found = sets.get(ns + '\0' + key);
      if (found == null || !found.isLoaded() || found.hasDuplicates()) {
        // Not on a connection's thread (it then hands the command to the pool, before it has changed anything): a load
        // reads the set's events from every namespace that may hold it, opening those closed, and a forget of older
        // events is a write of its own.
        server.requireThePool("vector set '" + key + "' is not loaded");
      }
      VectorSet set = found != null ? found : sets.computeIfAbsent(ns + '\0' + key, k -> new VectorSet(ns, key));
      boolean loadedHere = false;
      if (!set.isLoaded()) {
        synchronized (set) {
          if (set.dropped) {
            continue; // its load failed, or it was dropped once loaded: look it up again
          }
          if (!set.isLoaded()) {
            load(set);
            loadedHere = true;
          }
        }
      }
      if (!loadedHere && !agreesWithItsNamespace(set)) {
        drop(set);
        continue;
      }
      if (set.hasDuplicates() && writing(set, () -> {
        if (set.hasDuplicates()) { // or a writer forgot them first
          set.forgetDuplicates(memoryOf(set));
        }
        return null;
      }) == DROPPED) {
        continue;
      }
      return set;
    }
  }

  /**
   * Whether the engine hands out the instance of the set's namespace that its element map agrees with, or a later one
   * of an instance that closed cleanly (or the set has no element yet: {@link VectorSet#agreesWith}), asked without
   * holding that namespace for the running command: a command that holds it from before it failed would be given that
   * failed instance all through ({@link ServerContext#memory}).
   */
  private boolean agreesWithItsNamespace(VectorSet set) {
    return set.memory() == null || set.agreesWith(server.currentMemory(set.storage()));
  }

  /**
   * The namespace holding the set of {@code key}, if a VADD to the set would load nothing, forget nothing and open
   * nothing: the set is in memory, loaded, with elements, no older events of them left to forget, and its namespace
   * open now as the instance its element map agrees with; else null. Such a VADD does what a fast command does (a map
   * lookup, the read of a replaced element's event as VGETATTR does) plus a write: it may run on its connection's
   * thread ({@code VectorSetCommands.vaddIfLight}), which leases that namespace first and sends the command to the pool
   * if it has closed or failed since ({@link ServerContext#runCommandIfNamespaceOpen}), or stops and goes there if it
   * finds the set to load after all (dropped since: {@link #loaded}). Neither loads, opens nor switches anything: a set
   * whose namespace closed as idle is left to the next command on the pool, which agrees with the new instance.
   */
  public String loadedWithItsNamespaceOpen(String ns, String key) {
    VectorSet set = sets.get(ns + '\0' + key);
    if (set == null || !set.isLoaded() || set.dropped || set.hasDuplicates() || set.size() == 0) {
      return null;
    }
    Memory agreed = set.memory();
    String storage = set.storage();
    return agreed != null && storage != null && server.ifOpen(storage).orElse(null) == agreed ? storage : null;
  }

  /** Loads the set, under its lock; one whose load fails is dropped, so that the next use tries again. */
  private void load(VectorSet set) {
    try {
      find(set, absent.creations());
    } catch (RuntimeException | Error e) {
      drop(set);
      throw e;
    }
    set.markLoaded();
  }

  /** Takes the set out of memory, under its lock: the next use reads it again; one holding it looks it up again. */
  private void drop(VectorSet set) {
    synchronized (set) {
      if (!set.dropped) {
        set.dropped = true;
        sets.remove(set.namespace + '\0' + set.key, set);
      }
    }
  }

  /** Whether the set of {@code key} is in memory now, loaded or being loaded (it has elements, or is being created). */
  public boolean inMemory(String ns, String key) {
    return sets.containsKey(ns + '\0' + key);
  }

  /** How many sets are in memory now, loaded or being loaded (tests: one left empty must not stay). */
  int inMemory() {
    return sets.size();
  }

  /** The namespaces on disk that hold vector sets of user namespace {@code ns}. */
  public List<String> storageNamespaces(String ns) {
    return server.namespacesOnDisk().stream().filter(n -> DimensionNamespaces.belongsTo(n, ns)).toList();
  }

  /** The namespaces on disk that hold vector sets of {@code ns}, by their dimension. */
  private TreeMap<Integer, String> storageByDimension(String ns) {
    TreeMap<Integer, String> byDimension = new TreeMap<>();
    for (String name : storageNamespaces(ns)) {
      byDimension.put(DimensionNamespaces.dimension(name, ns).orElseThrow(), name);
    }
    return byDimension;
  }

  /**
   * SCAN over the sets of {@code ns}: one page of the sessions ({@link Memory#sessions}) of one storage namespace,
   * the namespaces taken in order of dimension. The cursor holds the dimension in its high 32 bits and the
   * engine's cursor in that namespace in its low 32, so a set that exists for the whole scan is listed once.
   */
  public KeyPage scan(String ns, long cursor, int count) {
    int dimension = (int) (cursor >>> 32); // below 2^31: cursors are below 2^63
    TreeMap<Integer, String> byDimension = storageByDimension(ns);
    Map.Entry<Integer, String> storage = byDimension.ceilingEntry(dimension);
    if (storage == null) {
      return new KeyPage(List.of(), 0);
    }
    long from = storage.getKey() == dimension ? cursor & 0xFFFF_FFFFL : 0;
    SessionPage page = server.existingMemory(storage.getValue()).sessions(from, count);
    List<String> keys = new ArrayList<>(page.sessions().size());
    for (String session : page.sessions()) {
      if (session.startsWith(VectorSet.SESSION_PREFIX)) {
        keys.add(session.substring(VectorSet.SESSION_PREFIX.length()));
      }
    }
    if (!page.isLast()) {
      return new KeyPage(keys, (long) storage.getKey() << 32 | page.cursor());
    }
    Integer next = byDimension.higherKey(storage.getKey());
    return new KeyPage(keys, next == null ? 0 : (long) next << 32);
  }

  /** DBSIZE: how many sets {@code ns} has. */
  public long count(String ns) {
    long sets = 0;
    for (String name : storageNamespaces(ns)) {
      sets += server.existingMemory(name).stats().sessions();
    }
    return sets;
  }

  /**
   * The engine fixes one dimension per namespace while Redis lets every key have its own, so the vector sets of
   * namespace N with d dimensions live in namespace {@code N.vset-d<d>} ({@link DimensionNamespaces}), one session
   * per key. A key is found by looking into each such namespace on disk ({@link ServerContext#namespacesOnDisk}), and
   * its elements read into {@code set}, empty before (and left so if the key is found nowhere).
   *
   * <p>One such namespace that cannot be opened must not hide the sets of the others: the search goes on past
   * it, and only if the key is found nowhere else does it fail, naming the namespace that may hold the key
   * (answering "no such key" could be false, and a VADD would then make a second set of that name).
   *
   * <p>A key found nowhere is noted on the set ({@link VectorSet#foundNowhere}) with {@code creationsBefore}, the
   * VADDs' creations counted before the search began, and the instances it looked in: what {@link AbsentKeys} keeps.
   */
  private void find(VectorSet set, long creationsBefore) {
    String key = set.key;
    List<String> names = storageNamespaces(set.namespace);
    List<Memory> lookedIn = new ArrayList<>(names.size());
    RuntimeException broken = null;
    for (String name : names) {
      List<Event> events;
      Memory m;
      try {
        m = server.memory(name);
        events = m.history(set.session(), Integer.MAX_VALUE);
      } catch (RuntimeException e) {
        if (broken == null) {
          if (!(e instanceof FileFormatException)) { // which the server logged when it first met it
            ServerLog.warn("vector-set namespace '" + name + "' cannot be opened: " + e);
          }
          broken = CommandError.err("vector set '" + key + "' may be in namespace '" + name
              + "', which cannot be opened: " + e.getMessage());
        }
        continue;
      }
      lookedIn.add(m);
      if (!events.isEmpty()) {
        runHook(afterLoading);
        set.load(name, m, events);
        if (set.size() > 0) {
          return;
        }
      }
    }
    if (broken != null) {
      throw broken;
    }
    set.foundNowhere(absent.absence(creationsBefore, lookedIn));
  }

  /** The namespace that holds the set's elements, looked up on each use (see {@link VectorSet#storage}). */
  private Memory memoryOf(VectorSet set) {
    return server.memory(set.storage());
  }

  /**
   * The set if it has elements, else null (and it is not kept in memory). A key not in memory that a load found
   * nowhere before, and that was not created since, is answered absent without a load ({@link AbsentKeys}): on a
   * connection's thread, with no listing of the namespaces. The map of sets is asked first: a set being created is
   * there before its key is known absent no more.
   */
  private VectorSet existing(String ns, String key) {
    if (!inMemory(ns, key) && absent.isAbsent(ns, key, server::currentMemory)) {
      return null;
    }
    VectorSet set = loaded(ns, key);
    if (set.size() == 0) {
      dropIfEmpty(set);
      AbsentKeys.Absence found = set.absence();
      if (found != null) { // its load found it nowhere (it may have had elements since, and a VADD counted)
        absent.note(ns, key, found);
      }
      return null;
    }
    return set;
  }

  /** How many keys are known absent now (tests: the count is bounded). */
  int knownAbsent() {
    return absent.size();
  }

  /**
   * Forgets every set of user namespace {@code ns}, whose namespaces FLUSHDB dropped: a set is read from the
   * engine again on its next use. (No command on {@code ns} runs meanwhile: see the server's NamespaceLocks.)
   */
  public void forget(String ns) {
    for (VectorSet set : sets.values()) {
      if (set.namespace.equals(ns)) {
        drop(set);
      }
    }
    absent.forget(ns);
  }

  /** What {@link #writing} answers, its writes not run, when the set was dropped after it was fetched. */
  private static final Object DROPPED = new Object();

  /**
   * Runs {@code writes} on the set of {@code key} as {@link #writing} does, on the set as it is once they hold its
   * lock: a set dropped after it was fetched ({@link #forget}, {@link #dropIfEmpty}, or its namespace handed out as
   * another instance: {@link #locked}) is not written, but fetched again, so that no writer acts on an element map
   * that may name an element the reopened namespace lacks by an event id it gave another element since. A set left
   * empty is then dropped, whether the writes returned or threw (a first element refused).
   *
   * @param creates whether the writes make an empty set (VADD); otherwise a set without elements answers
   *     {@code ifNone} and is not written
   */
  private <T> T writingCurrent(String ns, String key, boolean creates, T ifNone, Function<VectorSet, T> writes) {
    while (true) {
      VectorSet set = creates ? loaded(ns, key) : existing(ns, key);
      if (set == null) {
        return ifNone;
      }
      Object result;
      try {
        result = writing(set, () -> {
          if (set.hasDuplicates()) { // before the writes: a VREM's forget must not precede them in the log
            set.forgetDuplicates(memoryOf(set));
          }
          return writes.apply(set);
        });
      } catch (RuntimeException | Error refused) {
        dropIfEmpty(set); // a refused first VADD leaves no empty set in memory (RefusedFirstVaddTest)
        throw refused;
      }
      if (result != DROPPED) {
        dropIfEmpty(set);
        @SuppressWarnings("unchecked") // writes gave it
        T written = (T) result;
        return written;
      }
    }
  }

  /**
   * Runs {@code writes}, a command's engine writes to {@code set} and the updates of its element map, under the
   * set's lock ({@link #locked}), and returns what it returns once those writes are durable; or {@link #DROPPED},
   * without running them, if the set was dropped. The wait for durability comes after the lock is released, so that
   * the writers of one set share the log's forced writes (its group commit) rather than being forced one after the
   * other. Inside a connection's pipeline ({@link DeferredDurability#deferring}) the connection's replies wait for
   * the writes instead ({@code DurableReplies}).
   *
   * <p>If the log fails to make them durable, the failure is thrown, and the element map keeps writes the reopened
   * namespace may lack: the engine hands that namespace out as a new instance from then on, so the set is read again
   * on its next use. A write the engine refuses otherwise (its checks, or a namespace closed) throws before the map
   * is updated, which stays.
   */
  private Object writing(VectorSet set, Supplier<?> writes) {
    DeferredDurability own = DeferredDurability.deferring() ? null : new DeferredDurability();
    Object result = own == null ? locked(set, writes) : own.call(() -> locked(set, writes));
    if (own != null && result != DROPPED) {
      own.await(); // out of the set's lock: the other writers of the set append meanwhile, and share the force
    }
    return result;
  }

  /**
   * Runs {@code writes} under the set's lock, unless the set was dropped, or its namespace, as the running command uses
   * it, is another instance than the one its element map agrees with (and not a later one of an instance that closed
   * cleanly: {@link VectorSet#agreesWith}): the set is then dropped, and {@link #DROPPED} answered. (The command's
   * instance is the one its writes go to: it stays the same all through the command, and refuses them if it has failed
   * since.)
   */
  private Object locked(VectorSet set, Supplier<?> writes) {
    runAfterFetching();
    synchronized (set) {
      if (set.dropped) {
        return DROPPED;
      }
      if (set.memory() != null && !set.agreesWith(memoryOf(set))) {
        drop(set);
        return DROPPED;
      }
      return writes.get();
    }
  }

  private void dropIfEmpty(VectorSet set) {
    synchronized (set) {
      if (set.size() == 0) {
        drop(set);
      }
    }
  }

  /**
   * VADD: adds the element, or replaces its vector (keeping its attributes unless new ones are given).
   *
   * @param given the vector, and its embedding model if known (the set's namespace refuses one of another)
   * @param quantization asked for, or null for the set's (Q8 for a new set)
   * @param json new JSON attributes, or null
   * @return true if the element is new
   */
  public boolean add(String ns, String key, VectorInput.Given given, String element, Quantization quantization,
      String json) {
    float[] vector = given.values();
    double norm = VectorInput.norm(vector);
    int maxKeyBytes = Remember.MAX_NAME_BYTES - VectorSet.SESSION_PREFIX.length(); // the key is in the session name
    if (key.getBytes(StandardCharsets.UTF_8).length > maxKeyBytes) {
      throw CommandError.err("the key is longer than " + maxKeyBytes + " bytes");
    }
    if (Float.isInfinite((float) norm)) { // an element keeps its norm as a float (VEMB scales by it)
      throw CommandError.err("the vector's L2 norm, " + norm + ", is beyond the largest float (" + Float.MAX_VALUE
          + "): scale it down");
    }
    if (json != null && !json.isEmpty()) {
      JsonValues.parseObject(json, "SETATTR"); // refuse bad JSON before anything is stored
    }
    return writingCurrent(ns, key, true, false, set -> {
      if (set.size() == 0) {
        set.bind(DimensionNamespaces.of(ns, vector.length), vector.length,
            quantization == null ? Quantization.Q8 : quantization);
      } else {
        checkDimension(set, vector.length);
        if (quantization != null && quantization != set.quantization()) {
          throw CommandError.err("asked quantization mismatch with existing vector set (it uses "
              + set.quantization().redisName() + ")");
        }
      }
      checkStorable(vector.length, set.quantization());
      Long old = set.ids.get(element);
      String kept = json != null || old == null ? json
          : memoryOf(set).get(old).map(e -> VectorSet.attributesJson(e.attributes())).orElse(null);
      Remember r = Remember.event(set.session(), VectorSet.ROLE, element).vector(vector, given.model())
          .attribute(StoredVector.ATTRIBUTE, StoredVector.of(vector, norm, set.quantization()).encode());
      if (kept != null && !kept.isEmpty()) {
        r.attribute(JSON_ATTRIBUTE, kept);
      }
      // A replaced element's map entry points at its new event before the remember and the old one's forget are
      // durable (inside a pipeline): if the log fails to make them so, the namespace is reopened as a new instance,
      // and the set read again from what it holds on its next use.
      Memory m = server.memoryToRemember(set.storage(), r); // a refused first element creates no namespace
      boolean creates = set.size() == 0;
      long id;
      try {
        id = m.remember(r);
        set.writtenTo(m); // the instance locked() checked, or the first element's
        set.ids.put(element, id);
      } finally {
        if (creates) { // applied now, or maybe if it threw: no load that looked before keeps the key as absent
          absent.created(ns, key);
        }
      }
      if (old != null) {
        m.forget(old);
      }
      return old == null;
    });
  }

  /**
   * An element keeps its vector among its attributes, which the engine limits to 32,760 bytes encoded: a vector
   * too large for them is refused here, saying so, rather than by the engine as attributes the client never gave.
   */
  private static void checkStorable(int dim, Quantization q) {
    if (dim > StoredVector.maxDimension(q)) {
      throw CommandError.err("a vector of " + dim + " dimensions is too large for "
          + (q == Quantization.F32 ? "NOQUANT" : "Q8") + ": an element keeps its vector in its attributes, whose "
          + StoredVector.ATTRIBUTES_BYTES + " bytes hold at most " + StoredVector.maxDimension(Quantization.F32)
          + " dimensions with NOQUANT and " + StoredVector.maxDimension(Quantization.Q8) + " with Q8");
    }
  }

  private static void checkDimension(VectorSet set, int dim) {
    if (dim != set.dimension()) {
      throw CommandError.err("Vector dimension mismatch - got " + dim + " but set has " + set.dimension());
    }
  }

  /** VREM: true if the element was there. */
  public boolean remove(String ns, String key, String element) {
    return writingCurrent(ns, key, false, false, set -> {
      Long id = set.ids.get(element);
      if (id == null) {
        return false;
      }
      // logged first: if the engine refuses, the element stays, in the map as on disk (and if the log then fails to
      // make the removal durable, the set is read again from what it made durable: see writing)
      memoryOf(set).forget(id);
      set.ids.remove(element, id);
      return true;
    });
  }

  /**
   * DEL and UNLINK: forgets every element of the set in one logged mutation (the engine's forget of a
   * session), so that a crash leaves the whole set or none of it. True if the set existed.
   */
  public boolean delete(String ns, String key) {
    return writingCurrent(ns, key, false, false, set -> {
      if (set.size() == 0) { // emptied meanwhile by another DEL or VREM
        return false;
      }
      // Logged first: if the engine refuses, the set stays. Inside a pipeline the forget is not yet durable when the
      // set is dropped below; if the log then fails to make it durable, the set is read again from the reopened
      // namespace on its next use (VectorSetsAfterAFailedForceTest)
      memoryOf(set).forgetSession(set.session());
      set.ids.clear();
      return true;
    });
  }

  public int cardinality(String ns, String key) {
    VectorSet set = existing(ns, key);
    return set == null ? 0 : set.size();
  }

  public Info info(String ns, String key) {
    VectorSet set = existing(ns, key);
    return set == null ? null : new Info(set.quantization(), set.dimension(), set.size(), set.storage(),
        set.session());
  }

  public boolean contains(String ns, String key, String element) {
    VectorSet set = existing(ns, key);
    return set != null && set.ids.containsKey(element);
  }

  /**
   * The element's event, if the set and the element exist, read by its id from the instance of the namespace the set
   * agrees with: if the command's is another (the namespace failed and was reopened since the set was fetched, and may
   * have given the element's id to another element), the set is dropped and fetched again.
   */
  private Optional<Event> event(String ns, String key, String element) {
    while (true) {
      VectorSet set = existing(ns, key);
      Long id = set == null ? null : set.ids.get(element);
      if (id == null) {
        return Optional.empty();
      }
      runAfterFetching();
      Memory m = memoryOf(set);
      if (set.agreesWith(m)) {
        return m.get(id);
      }
      drop(set);
    }
  }

  private static void runAfterFetching() {
    runHook(afterFetching);
  }

  private static void runHook(Runnable hook) {
    if (hook != null) {
      hook.run();
    }
  }

  /** VEMB: the element's stored vector, or null. */
  public StoredVector embedding(String ns, String key, String element) {
    return event(ns, key, element).map(VectorSet::stored).orElse(null);
  }

  /** VGETATTR: the element's JSON attributes, or null. */
  public String attributes(String ns, String key, String element) {
    return event(ns, key, element).map(e -> VectorSet.attributesJson(e.attributes())).orElse(null);
  }

  /** VSETATTR: replaces the JSON attributes ("" removes them); false if there is no such element. */
  public boolean setAttributes(String ns, String key, String element, String json) {
    if (!json.isEmpty()) {
      JsonValues.parseObject(json, "the JSON of VSETATTR");
    }
    return writingCurrent(ns, key, false, false, set -> {
      Long id = set.ids.get(element);
      if (id == null) {
        return false;
      }
      memoryOf(set).setAttributes(id, Map.of(JSON_ATTRIBUTE, json)); // "" reads back as no attributes
      return true;
    });
  }

  /** VRANDMEMBER: count > 0 distinct elements, count < 0 |count| elements that may repeat. */
  public List<String> randomMembers(String ns, String key, int count) {
    VectorSet set = existing(ns, key);
    if (set == null || count == 0) {
      return List.of();
    }
    List<String> all = new ArrayList<>(set.ids.keySet());
    ThreadLocalRandom rnd = ThreadLocalRandom.current();
    List<String> out = new ArrayList<>();
    if (count < 0) {
      for (int i = 0; i < -count; i++) {
        out.add(all.get(rnd.nextInt(all.size())));
      }
      return out;
    }
    for (int i = 0; i < Math.min(count, all.size()); i++) { // partial Fisher-Yates
      int j = i + rnd.nextInt(all.size() - i);
      String t = all.get(i);
      all.set(i, all.get(j));
      all.set(j, t);
      out.add(all.get(i));
    }
    return out;
  }

  /** VSIM: the most similar elements that pass the filter, best first. */
  public List<Match> search(String ns, String key, Query q) {
    VectorSet set;
    Memory m;
    do { // the set as the command's instance of its namespace holds it: see event()
      set = existing(ns, key);
      if (set == null) {
        return List.of(); // as in Redis, a missing key answers an empty array before the element is looked up
      }
      m = memoryOf(set);
      if (!set.agreesWith(m)) {
        drop(set);
        set = null;
      }
    } while (set == null);
    float[] vector = q.element() == null ? q.vector().values() : null;
    String model = q.element() == null ? q.vector().model() : null; // an element's is the set's own
    if (q.element() != null) {
      StoredVector v = embedding(ns, key, q.element());
      if (v == null) {
        throw CommandError.err("element '" + q.element() + "' not found in the vector set");
      }
      vector = v.vector();
    }
    checkDimension(set, vector.length);
    VectorInput.norm(vector);
    // With a filter, FILTER-EF bounds the candidates examined; TRUTH, an exact scan, examines every element, as
    // Redis' linear scan applies the filter to all of them.
    int candidates = q.filter() == null ? q.count()
        : q.nprobe() == EXACT ? set.size()
        : Math.min(set.size(), Math.max(q.count(), q.filterEffort()));
    // The lookaside buffer exploits the locality of a conversation's queries; a vector set's are not one.
    Recall recall = Recall.vector(vector, model, Math.max(1, candidates)).session(set.session()).slb(false);
    if (q.nprobe() == EXACT) {
      // every leaf holds at least one vector, so probing as many leaves as vectors scans them all
      recall.nprobe((int) Math.min(Integer.MAX_VALUE - 8, Math.max(1, m.stats().vectors())));
    } else if (q.nprobe() > 0) {
      recall.nprobe(q.nprobe());
    } else {
      recall.targetRecall(DEFAULT_RECALL);
    }
    List<Match> out = new ArrayList<>();
    for (Recalled r : m.recall(recall)) {
      Event e = r.event();
      Long current = set.ids.get(e.text());
      if (current == null || current != e.id()) {
        continue; // replaced or removed while we searched
      }
      double score = (1.0 + r.score()) / 2.0;
      if (q.epsilon() > 0 && score < 1.0 - q.epsilon()) {
        break; // results come best first
      }
      String json = VectorSet.attributesJson(e.attributes());
      if (q.filter() != null
          && !q.filter().matches(json == null ? null : JsonValues.toMap(JsonValues.parseStoredObject(json)))) {
        continue;
      }
      out.add(new Match(e.text(), score, json));
      if (out.size() == q.count()) {
        break;
      }
    }
    return out;
  }
}
