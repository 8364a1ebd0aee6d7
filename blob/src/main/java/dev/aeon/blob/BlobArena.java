package dev.aeon.blob;

import dev.aeon.blob.format.ArenaHeader;
import dev.aeon.blob.format.Frames;
import dev.aeon.common.FirstFailure;
import dev.aeon.common.Quietly;
import dev.aeon.common.RepeatedFailures;
import dev.aeon.common.ebr.Epochs;
import dev.aeon.common.ebr.Guard;
import dev.aeon.common.io.CorruptFileException;
import dev.aeon.common.io.DurableFiles;
import dev.aeon.common.io.ExclusiveFileLock;
import dev.aeon.common.io.FileFormatException;
import dev.aeon.common.io.Utf8Text;
import dev.aeon.common.os.BackgroundPriority;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongPredicate;
import org.agrona.collections.LongArrayList;

/**
 * The sidecar blob arena: variable-size blobs (event text, payloads) in memory-mapped generation files
 * {@code blobs-<n>.arena} in one directory, with generational garbage collection.
 *
 * <p><b>Refs are stable.</b> {@link #append} returns a ref, a positive {@code long} that names the blob for
 * as long as it lives: garbage collection moves blobs to a new generation but never changes their refs (a
 * table maps each ref to the blob's frame in the current generation; it is rebuilt from the frames on open).
 * Callers therefore store refs once and never rewrite them.
 *
 * <p><b>Reads</b> never take a lock and never block: {@link #readBytes}/{@link #readString} copy,
 * {@link #slice} hands out a read-only, zero-copy view that stays valid until the caller's {@link Guard} is
 * closed, even if a collection or a growth of the file replaces the mapping meanwhile (epoch-based
 * reclamation unmaps it later). A ref that was freed, collected or never handed out is an
 * {@link InvalidBlobRefException}; a torn or damaged frame a {@link CorruptFileException}; never garbage bytes.
 *
 * <p><b>Writes</b> ({@code append}, {@code free}, {@code force}) are serialised by one lock. A collection
 * copies without it and takes it only to list what to copy and, at the end, to catch up with what was
 * appended and freed during the copy; {@code free} starts one on a thread of its own when the garbage ratio
 * passes the threshold.
 *
 * <p><b>Durability.</b> {@link #force()} makes every append and free so far durable. After a crash the arena
 * opens with everything up to the last {@code force} and any complete blob written after it; a torn tail is
 * cut off. A collection is durable when it returns; a crash in the middle leaves the old generation
 * authoritative, a crash after leaves the new one, and no live blob is lost either way.
 *
 * <p><b>Erasure.</b> A freed blob's bytes are zeroed in place at the {@code force} after the free, once
 * no reader can still be reading them, and reach the disk at the next {@code force}. A collection copies only
 * live blobs into a fresh file and deletes the old file, so after {@link #gc} no byte of a freed or dropped
 * blob remains in any file of the arena.
 */
public final class BlobArena implements AutoCloseable {

  /** What readers see: the current generation, its current mapping and its ref table. */
  private record View(Generation generation, MemorySegment data, RefTable table) {}

  private static final System.Logger LOG = System.getLogger(BlobArena.class.getName());
  /** Held while the arena is open (a copy of its folder must not open and close it: that drops the lock). */
  public static final String LOCK_FILE = "blobs.lock";
  /** Ids reserved by one header-only commit: at most this many ids are skipped after a crash. */
  private static final long ID_RESERVATION = 1 << 16;
  private static final int STAGING_BYTES = 256 << 10;

  private final Path dir;
  private final BlobArenaOptions options;
  private final Epochs ebr;
  private final boolean ownsEbr;
  private final ExclusiveFileLock lock;
  private final ReentrantLock writeLock = new ReentrantLock();
  /**
   * Held by a collection from start to end: one at a time; {@code close} takes it to wait for one it cancelled.
   * Taken before the write lock, never inside it.
   */
  private final ReentrantLock gcLock = new ReentrantLock();
  /** Refs freed while a collection copies (null when none does); under the write lock. */
  private LongArrayList freedWhileCollecting;
  /** A collection is asking its {@code isLive} which blobs to keep, under the write lock. */
  private boolean listing;
  /** The collection {@code free} started on a thread of its own, if it has not ended. */
  private volatile Thread backgroundGc;
  /**
   * {@code free} starts no collection before the freed bytes reach this; 0 until a collection fails, and again
   * once one succeeds; under the write lock. Each free past the threshold started another collection that failed
   * as the last did and logged a warning. A collection that failed on damage sets it out of reach, for every one
   * would fail the same way: none starts by itself until a caller's {@link #gc} succeeds (with an {@code isLive}
   * that drops the damaged blob) or the arena is reopened. A collection that failed otherwise (a full device, or an
   * Error: the InternalError of a mapped file cut short), whether {@code free} or a caller started it, sets it to
   * twice the freed bytes, so that failures grow rarer while a later one may succeed by itself.
   */
  private long autoGcWaitsFor;
  /**
   * What is logged of the failures of the collections {@code free} starts; any collection that succeeds ends it,
   * a caller's too (the work succeeded: the same failure after it is news again). A caller's that fails is not in
   * it: it is thrown to the caller.
   */
  private final RepeatedFailures autoGcFailures;
  private volatile boolean closing;
  /**
   * Tests only: runs when a collection has listed what to copy and let go of the write lock, before it copies. A test
   * of a close during the copy waits there for the close, which a copy of a few megabytes otherwise outran on a busy
   * machine (the collection then succeeded, and the close came after it).
   */
  volatile Runnable beforeCopyForTests = () -> {};
  /** How the directory is synced after a collection's rename (a test puts in one that fails). */
  volatile Generation.DirectorySync directorySync = Generation.DirectorySync.DURABLE;
  /**
   * A collection's new generation that was renamed into place, then given up when the directory's sync
   * failed, and whose deletion no sync has made durable yet; null if none; under the write lock. A crash could
   * bring it back and it would win the next open over the generation in use, so a force fails until it is
   * durably gone ({@link #settleWithdrawal}).
   */
  private Path withdrawalOwed;
  private volatile View view;
  private long nextId;
  private long liveBlobs, liveBytes, freeBlobs, freeBytes;
  private final LongArrayList pendingErase = new LongArrayList();
  /** Erasures handed to EBR that have not run yet; under the write lock. Close's unmapping runs them first. */
  private final Set<Erasure> scheduledErasures = new HashSet<>();
  /**
   * Frames of {@link #STAGING_BYTES} or more are assembled here before they are written; allocated for the
   * first of them (most arenas, of dialogue-sized texts, never need it), used under the write lock only.
   */
  private MemorySegment staging;

  private MemorySegment staging() {
    if (staging == null) {
      staging = Arena.ofAuto().allocate(STAGING_BYTES, 4096);
    }
    return staging;
  }

  private BlobArena(Path dir, BlobArenaOptions options, Epochs ebr, boolean ownsEbr, ExclusiveFileLock lock,
                    Recovery.Recovered r) {
    this.dir = dir;
    this.options = options;
    this.ebr = ebr;
    this.ownsEbr = ownsEbr;
    this.lock = lock;
    this.view = new View(r.generation(), r.generation().data(), r.table());
    this.nextId = r.nextId();
    this.liveBlobs = r.scan().liveBlobs();
    this.liveBytes = r.scan().liveBytes();
    this.freeBlobs = r.scan().freeBlobs();
    this.freeBytes = r.scan().freeBytes();
    this.autoGcFailures = new RepeatedFailures("garbage collection in " + dir,
        (line, failure) -> LOG.log(System.Logger.Level.WARNING, line, failure),
        line -> LOG.log(System.Logger.Level.INFO, line));
  }

  /** Opens (or creates) the arena in {@code dir} with default options and its own epochs. */
  public static BlobArena open(Path dir) throws IOException {
    Objects.requireNonNull(dir, "dir");
    return open(dir, BlobArenaOptions.defaults(), null);
  }

  /**
   * Opens (or creates) the arena in {@code dir}. Pass the {@link Epochs} shared with the rest of the engine,
   * or null for the arena's own (closed with the arena). Only one arena may have a directory open, and only
   * one open arena may use a given {@code Epochs}: an arena retires under its lock (and so may reclaim
   * there, inline), and what it retires takes its lock when closed, so two arenas sharing epochs could each
   * wait for the other's lock.
   *
   * @throws dev.aeon.common.io.FileFormatException if the newest generation is damaged or of another version
   * @throws IllegalStateException if another arena, in this or another process, has the directory open
   */
  public static BlobArena open(Path dir, BlobArenaOptions options, Epochs epochs) throws IOException {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(options, "options");
    DurableFiles.createDirectories(dir);
    ExclusiveFileLock lock = ExclusiveFileLock.tryAcquire(dir.resolve(LOCK_FILE));
    if (lock == null) {
      throw new IllegalStateException("blob arena " + dir + " is already open (in this or another process)");
    }
    try {
      Recovery.Recovered r = Recovery.recover(dir, options.initialCapacity());
      boolean own = epochs == null;
      return new BlobArena(dir, options, own ? new Epochs() : epochs, own, lock, r);
    } catch (IOException | RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  // ---------------------------------------------------------------- reads (lock-free)

  /** Enters a read epoch; slices from {@link #slice} stay valid until it is closed. */
  public Guard enter() {
    return ebr.enter();
  }

  /** The epochs this arena retires mappings through. */
  public Epochs epochs() {
    return ebr;
  }

  /**
   * A read-only, zero-copy view of the blob, valid until the calling thread's guard closes.
   *
   * @throws IllegalStateException if the calling thread is not inside {@link #enter()}
   * @throws InvalidBlobRefException if {@code ref} names no live blob
   * @throws CorruptFileException if the blob's frame is damaged
   */
  public MemorySegment slice(long ref) {
    if (!ebr.inGuard()) {
      throw new IllegalStateException("slice() must be called inside try (Guard g = arena.enter()) { ... }");
    }
    return locate(ref);
  }

  /** A copy of the blob's bytes. */
  public byte[] readBytes(long ref) {
    try (Guard g = ebr.enter()) {
      return locate(ref).toArray(ValueLayout.JAVA_BYTE);
    }
  }

  /** The blob decoded as UTF-8 (as {@link #append(String)} stored it). */
  public String readString(long ref) {
    try (Guard g = ebr.enter()) {
      View v = currentView();
      long at = frameOf(v, ref);
      int length = checkedLength(v, ref, at);
      if (length > ReadScratch.MAX_KEPT) {
        return new String(verified(v, ref, at, length).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
      }
      // a short text: copied once into the thread's buffer, checked there and decoded from the checked bytes
      ReadScratch scratch = ReadScratch.ofThread();
      int stored = Frames.storedCrc(v.data(), at);
      scratch.copyRecord(v.data(), at, length);
      if (options.verifyReads() && stored != scratch.recordCrc()) {
        throw damaged(v, ref, at, "frame checksum mismatch");
      }
      return scratch.text();
    }
  }

  /** The blob's length in bytes. */
  public int length(long ref) {
    try (Guard g = ebr.enter()) {
      return (int) locate(ref).byteSize();
    }
  }

  /** True if {@code ref} names a live blob. */
  public boolean contains(long ref) {
    return currentView().table().get(ref) != 0;
  }

  private MemorySegment locate(long ref) {
    View v = currentView();
    long at = frameOf(v, ref);
    return verified(v, ref, at, checkedLength(v, ref, at));
  }

  /** A read-only view of the payload of the frame at {@code at}, its checksum checked if reads are verified. */
  private MemorySegment verified(View v, long ref, long at, int length) {
    MemorySegment d = v.data();
    if (options.verifyReads() && Frames.storedCrc(d, at) != Frames.computeCrc(d, at, length)) {
      throw damaged(v, ref, at, "frame checksum mismatch");
    }
    return d.asSlice(at + Frames.HEADER_LENGTH, length).asReadOnly();
  }

  /** Where blob {@code ref}'s frame starts; its frame is not checked yet ({@link #checkedLength}). */
  private static long frameOf(View v, long ref) {
    long at = v.table().get(ref);
    if (at == 0) {
      throw new InvalidBlobRefException(ref, "no live blob (freed, collected, or never written)");
    }
    return at;
  }

  /**
   * The payload length of blob {@code ref}'s frame at {@code at}, once its state, id and length are checked; its
   * checksum is not.
   *
   * @throws InvalidBlobRefException if the blob was freed
   * @throws CorruptFileException if the frame is damaged
   */
  private int checkedLength(View v, long ref, long at) {
    MemorySegment d = v.data();
    int state = Frames.state(d, at);
    if (state == Frames.FREE) {
      throw new InvalidBlobRefException(ref, "blob was freed");
    }
    if (state != Frames.LIVE) {
      throw damaged(v, ref, at, "bad frame state");
    }
    if (Frames.id(d, at) != ref) {
      throw damaged(v, ref, at, "frame is another blob");
    }
    int length = Frames.length(d, at);
    if (length < 0 || at + Frames.frameLength(length) > d.byteSize()) {
      throw damaged(v, ref, at, "frame length " + length + " runs past the file");
    }
    return length;
  }

  /** The error for the frame at {@code at} found damaged: the blob was freed meanwhile, or the file is corrupt. */
  private RuntimeException damaged(View v, long ref, long at, String problem) {
    if (Frames.state(v.data(), at) == Frames.FREE) {
      // freed while this read checked it: freeing rewrites the checksum along with the state
      return new InvalidBlobRefException(ref, "blob was freed");
    }
    return new CorruptFileException(v.generation().path(), at, problem + " (blob " + ref + ")");
  }

  private View currentView() {
    View v = view;
    if (v == null) {
      throw new IllegalStateException("blob arena " + dir + " is closed");
    }
    return v;
  }

  // ---------------------------------------------------------------- writes (one lock)

  /** Stores a copy of {@code bytes}; returns its ref. */
  public long append(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    return append(MemorySegment.ofArray(bytes));
  }

  /**
   * Stores {@code text} as UTF-8; returns its ref.
   *
   * @throws IllegalArgumentException if it holds an unpaired surrogate, which UTF-8 would store as '?'
   */
  public long append(String text) {
    Objects.requireNonNull(text, "text");
    return append(Utf8Text.encode("blob text", text));
  }

  /**
   * Stores a copy of {@code payload}; returns its ref. Not durable before the next {@link #force()}.
   *
   * @throws IllegalArgumentException if the blob is larger than {@link BlobArenaOptions#maxBlobBytes()}
   */
  public long append(MemorySegment payload) {
    Objects.requireNonNull(payload, "payload");
    if (payload.byteSize() > options.maxBlobBytes()) {
      throw new IllegalArgumentException("blob of " + payload.byteSize() + " bytes exceeds the limit of "
          + options.maxBlobBytes());
    }
    writeLock.lock();
    try {
      refuseWhileListing("append");
      View v = currentView();
      Generation g = v.generation();
      long length = Frames.frameLength(payload.byteSize());
      if (g.end() + length > g.capacity()) {
        Arena oldMapping = g.grow(g.end() + length);
        v = new View(g, g.data(), v.table());
        view = v;
        ebr.retire(oldMapping);
      }
      if (nextId >= g.idLimit()) {
        g.reserveIds(nextId + ID_RESERVATION);
      }
      long id = nextId++;
      v.table().put(id, g.appendFrame(id, payload, length < STAGING_BYTES ? null : staging()));
      liveBlobs++;
      liveBytes += length;
      return id;
    } catch (IOException e) {
      throw new UncheckedIOException("appending to " + currentView().generation().path(), e);
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Frees a blob: it cannot be read any more, its space is reclaimed by the next collection and its bytes
   * are erased (see the class comment). Returns false if it was already freed or collected, so replaying a
   * free is harmless. Starts a collection on a thread of its own when the garbage ratio passes the threshold
   * ({@link #awaitBackgroundGc()} waits for it).
   *
   * @throws InvalidBlobRefException if {@code ref} was never handed out
   */
  public boolean free(long ref) {
    writeLock.lock();
    try {
      refuseWhileListing("free");
      View v = currentView();
      if (ref < 1 || ref >= nextId) {
        throw new InvalidBlobRefException(ref, "never handed out by this arena");
      }
      long at = v.table().get(ref);
      if (at == 0) {
        return false;
      }
      try {
        v.generation().markFree(at);
      } catch (IOException e) {
        throw new UncheckedIOException("freeing blob " + ref + " in " + v.generation().path(), e);
      }
      v.table().remove(ref);
      long length = Frames.frameLength(Frames.length(v.data(), at));
      liveBlobs--;
      liveBytes -= length;
      freeBlobs++;
      freeBytes += length;
      pendingErase.addLong(at);
      if (freedWhileCollecting != null) {
        freedWhileCollecting.addLong(ref);
      }
      if (freeBytes >= options.gcThreshold() * (liveBytes + freeBytes)
          && liveBytes + freeBytes >= options.autoGcMinBytes() && freeBytes >= autoGcWaitsFor) {
        startBackgroundGc();
      }
      return true;
    } finally {
      writeLock.unlock();
    }
  }

  /** Collects every freed blob. */
  public GcResult gc() {
    return gc(ref -> true);
  }

  /**
   * Copies the blobs that are not freed and for which {@code isLive} is true into a new generation, publishes
   * it, and retires the old one (deleted now, unmapped once no reader can see it). Blobs {@code isLive}
   * rejects are dropped as if freed; it is asked about the blobs that exist when the collection starts, and
   * blobs appended while it runs are kept. Refs do not change. Readers go on throughout; writers wait only
   * while the collection lists what to copy and while it catches up with what changed during the copy.
   * One collection runs at a time: this waits for one that {@link #free} started. {@code isLive} runs under
   * the arena's write lock: it may read the arena, but an {@code append} or {@code free} from it is an
   * {@link IllegalStateException}. So is a {@link #close} during the copy: the collection then gives up, deletes
   * its copy and leaves the arena as it was, and {@code close} returns once it has.
   */
  public GcResult gc(LongPredicate isLive) {
    Objects.requireNonNull(isLive, "isLive");
    if (writeLock.isHeldByCurrentThread()) {
      throw new IllegalStateException("gc() while holding the arena's write lock");
    }
    GcResult result;
    gcLock.lock();
    try (Guard guard = ebr.enter()) { // keeps the snapshot's mapping of the old generation mapped
      result = collect(isLive);
    } catch (Error e) {
      // Backs automatic collection off as an I/O error does (collect), and as an automatic collection's Error does:
      // an InternalError, the listing or the copy reading a mapped file cut short. The next free past the threshold
      // started one at once on the same file (AutoGcOnErrorTest)
      backOff();
      throw e;
    } finally {
      gcLock.unlock();
    }
    Quietly.log(autoGcFailures::succeeded); // the collection succeeded: a caller's must not throw for its log line
    return result;
  }

  private GcResult collect(LongPredicate isLive) {
    long start = System.nanoTime();
    Collector.Snapshot snapshot;
    long before;
    writeLock.lock();
    try {
      View v = currentView();
      if (closing) { // close waits for this collection: it must not start to copy
        throw new Collector.Cancelled(dir);
      }
      listing = true;
      try {
        snapshot = Collector.snapshot(v.generation(), v.table(), isLive, nextId);
      } finally {
        listing = false;
      }
      before = liveBytes + freeBytes;
      freedWhileCollecting = new LongArrayList();
    } finally {
      writeLock.unlock();
    }
    beforeCopyForTests.run();
    try {
      Collector.Copy copy = Collector.copy(dir, snapshot, options.initialCapacity(), directorySync, () -> closing);
      writeLock.lock();
      try {
        View v = view;
        if (v == null || closing) { // the new generation is of no use, and nothing else closes it
          Collector.Cancelled cancelled = new Collector.Cancelled(dir);
          copy.abandon(cancelled);
          throw cancelled;
        }
        Generation old = v.generation();
        Collector.Collected c;
        try {
          c = copy.finish(snapshot, freedWhileCollecting, v.data(), v.table(), nextId);
        } finally {
          if (copy.notWithdrawn() != null) {
            withdrawalOwed = copy.notWithdrawn();
          }
        }
        withdrawalOwed = null; // its name now holds this generation, durably: the directory was synced
        view = new View(c.generation(), c.generation().data(), c.table());
        old.retire(ebr); // no directory fsync for the deletion: if it is lost, opening deletes the file again
        liveBlobs = c.kept();
        liveBytes = c.bytes();
        freeBlobs = c.freeBlobs(); // freed during the copy: FREE frames in the new file
        freeBytes = c.freeBytes();
        pendingErase.clear();
        autoGcWaitsFor = 0;
        return new GcResult(old.number, c.generation().number, c.kept(), c.dropped(), before,
            c.bytes() + c.freeBytes(), System.nanoTime() - start);
      } finally {
        writeLock.unlock();
      }
    } catch (IOException e) {
      // Backs automatic collection off after a caller's collection too: the next free past the threshold would
      // otherwise start one at once on the device this one found full.
      backOff();
      throw new UncheckedIOException("garbage collection in " + dir, e);
    } catch (FileFormatException e) {
      writeLock.lock();
      autoGcWaitsFor = Long.MAX_VALUE;
      writeLock.unlock();
      throw e;
    } finally {
      writeLock.lock();
      freedWhileCollecting = null;
      writeLock.unlock();
    }
  }

  /**
   * Under the write lock. The listing walks the ref table and has noted {@code nextId}: a blob freed there
   * would be copied as live and never erased, one appended there copied twice.
   */
  private void refuseWhileListing(String operation) {
    if (listing) {
      throw new IllegalStateException(operation + "() from the isLive of a garbage collection in " + dir);
    }
  }

  /**
   * Under the write lock: starts a collection on a thread of its own unless one runs or the arena is closing,
   * so that the caller of {@code free} (the engine frees texts during a checkpoint) never waits for a copy of
   * the arena. {@link #close} sets {@code closing} under the same lock, then waits for {@code backgroundGc}.
   */
  private void startBackgroundGc() {
    if (backgroundGc != null || closing) {
      return;
    }
    backgroundGc = Thread.ofPlatform().daemon().name("aeon-blob-gc " + dir.getFileName()).start(() -> {
      BackgroundPriority.lowerCurrentThread();
      try {
        gc();
      } catch (Collector.Cancelled e) {
        // the arena closes: nothing failed
      } catch (RuntimeException | Error e) {
        // An Error too (an InternalError: a mapped file cut short under the copy): uncaught, it was printed on
        // standard error and set no back-off, so every free past the threshold started another that failed alike.
        // Quietly: the back-off is set before the warning, and what logging it throws would only be printed on
        // standard error as an uncaught exception.
        Quietly.log(() -> backgroundGcFailed(e));
      } finally {
        backgroundGc = null;
      }
    });
  }

  /**
   * After a collection that {@code free} started failed: the next waits (see {@link #autoGcWaitsFor}), and only
   * the first failure of its kind since a collection succeeded is warned of, with its stack trace. A full device
   * warned at every free past the threshold.
   */
  private void backgroundGcFailed(Throwable e) {
    boolean damage = e instanceof FileFormatException;
    if (!damage) {
      backOff(); // the collection set it already for an I/O error or an Error, not for another exception
    }
    autoGcFailures.failed(e, "in the background; the old generation stays in use, and " + (damage
        ? "no collection starts by itself until gc() succeeds or the arena is reopened"
        : "the next starts by itself once twice as many bytes are freed"));
  }

  /** After a failed collection: the next automatic one waits until twice as many bytes are freed. */
  private void backOff() {
    writeLock.lock();
    try {
      autoGcWaitsFor = Math.max(autoGcWaitsFor, 2 * freeBytes);
    } finally {
      writeLock.unlock();
    }
  }

  /** Waits until a collection that {@link #free} started has ended; returns at once if none runs. */
  public void awaitBackgroundGc() throws InterruptedException {
    Thread t = backgroundGc;
    if (t != null) {
      t.join();
    }
  }

  /** Runs {@link #gc()} if the garbage ratio is at or above the threshold; the result if it ran. */
  public Optional<GcResult> gcIfNeeded() {
    return stats().garbageRatio() >= options.gcThreshold() ? Optional.of(gc()) : Optional.empty();
  }

  /**
   * Makes every append and free so far durable, then schedules the erasure of the blobs whose FREE state it
   * wrote. The arena's lock is held only to note where the frames end and, after the frames are forced
   * (msync) without it while appends go on, to write the commit record naming that end; the guard keeps
   * the noted mapping open if the arena grows or collects meanwhile. If a collection replaced the
   * generation meanwhile, the new one is committed whole under the lock; if {@link #close} ran meanwhile, it
   * committed everything, and the frees this force took are erased before the file is unmapped.
   *
   * @throws UncheckedIOException if a collection renamed its new generation into place and then gave it up
   *     (the directory's sync failed), and its deletion still cannot be synced: a crash could bring that file
   *     back, and the next open would take it instead of what this force would have acknowledged
   */
  public void force() {
    View noted;
    long end;
    long[] freed;
    Guard guard;
    writeLock.lock();
    try {
      noted = currentView();
      settleWithdrawal();
      end = noted.generation().end();
      freed = takePendingErase();
      guard = ebr.enter(); // before the unlock: the noted mapping cannot be retired yet
    } finally {
      writeLock.unlock();
    }
    boolean scheduled = false;
    try (guard) { // until the frees are scheduled: a close meanwhile cannot unmap the noted generation before
      noted.data().force();
      writeLock.lock();
      try {
        Generation g = view == null ? null : view.generation();
        if (g == null) {
          // closed during the msync: close committed everything itself, and its unmapping, which this guard
          // holds back, runs every erasure still scheduled, these included
          scheduleErase(noted.generation(), freed);
        } else if (g == noted.generation()) {
          g.commitForced(end, g.idLimit());
          scheduleErase(g, freed);
        } else { // a collection never copied the freed frames; what came after it is in the new generation
          g.commit(g.idLimit());
          scheduleErase(g, takePendingErase());
        }
        scheduled = true;
      } finally {
        writeLock.unlock();
      }
    } finally {
      if (!scheduled) {
        returnPendingErase(noted.generation(), freed);
      }
    }
  }

  /**
   * Under the write lock: makes the deletion of a generation a failed collection gave up durable before a force
   * acknowledges anything (what it would acknowledge is in the generation in use, which that file would
   * replace on the next open after a crash).
   */
  private void settleWithdrawal() {
    if (withdrawalOwed == null) {
      return;
    }
    try {
      Collector.withdraw(withdrawalOwed, directorySync);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make the deletion of " + withdrawalOwed + ", a collection that"
          + " failed, durable: a crash could bring it back to replace " + currentView().generation().path(), e);
    }
    withdrawalOwed = null;
  }

  /** The offsets of the frames freed since the last force (under the lock). */
  private long[] takePendingErase() {
    long[] offsets = pendingErase.toLongArray();
    pendingErase.clear();
    return offsets;
  }

  /**
   * After a force that failed: its frees wait for the next one, unless a collection replaced their
   * generation meanwhile (its offsets mean nothing in the new one, which never had those frames).
   */
  private void returnPendingErase(Generation g, long[] offsets) {
    writeLock.lock();
    try {
      if (view != null && view.generation() == g) {
        for (long at : offsets) {
          pendingErase.addLong(at);
        }
      }
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Hands blobs freed before a commit to EBR for erasure: their payloads are zeroed once no reader can still
   * be reading them, and only after their FREE state was forced, so a crash can never show a LIVE frame
   * with an erased payload. A collection in between makes this moot (the new generation never had them).
   */
  private void scheduleErase(Generation g, long[] offsets) {
    if (offsets.length == 0) {
      return;
    }
    Erasure e = new Erasure(g, offsets);
    scheduledErasures.add(e);
    ebr.retire(e);
  }

  /**
   * One batch of frees to zero. EBR runs it on whichever thread reclaims, and so may run it after the
   * unmapping that {@code close} retired later (two threads close their batches side by side); that
   * unmapping therefore runs every erasure still outstanding itself, and the late one finds nothing to do.
   */
  private final class Erasure implements AutoCloseable {
    private final Generation generation;
    private final long[] offsets;

    Erasure(Generation generation, long[] offsets) {
      this.generation = generation;
      this.offsets = offsets;
    }

    @Override
    public void close() {
      writeLock.lock();
      try {
        run();
      } finally {
        writeLock.unlock();
      }
    }

    /** Under the write lock: erases once, whichever of EBR and the unmapping comes first. */
    void run() {
      if (scheduledErasures.remove(this)) {
        generation.erase(offsets);
      }
    }
  }

  // ---------------------------------------------------------------- checks and lifecycle

  /**
   * The ref the next append will get: every ref this arena has handed out is below it (refs start at 1).
   * A store that keeps refs can check at open that this arena is not older than its own records.
   */
  public long nextRef() {
    writeLock.lock();
    try {
      return nextId;
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * The refs of the live blobs above {@code ref}, ascending. A store that keeps refs can find the blobs appended
   * after the last one its own records name, such as those a crash left without the records naming them.
   */
  public long[] liveRefsAbove(long ref) {
    writeLock.lock();
    try {
      LongArrayList refs = new LongArrayList();
      currentView().table().forEachIdAbove(ref, refs::addLong);
      return refs.toLongArray();
    } finally {
      writeLock.unlock();
    }
  }

  /** Counts of the current generation. */
  public ArenaStats stats() {
    writeLock.lock();
    try {
      View v = currentView();
      return new ArenaStats(v.generation().number, liveBlobs, liveBytes, freeBlobs, freeBytes,
          v.generation().capacity());
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Checks the current generation: header, every frame and its checksum, and that the ref table matches the
   * frames. Readers go on; writers wait.
   *
   * @throws CorruptFileException naming the file and offset of the first problem
   */
  public ArenaStats verify() {
    writeLock.lock();
    try {
      View v = currentView();
      Generation g = v.generation();
      ArenaHeader.read(v.data(), v.data().byteSize(), g.path(), g.number);
      long[] matched = {0};
      FrameScanner.Result r = FrameScanner.scan(v.data(), g.end(), g.path(), g.version(), (id, at, length) -> {
        if (v.table().get(id) != at) {
          throw new CorruptFileException(g.path(), at, "live blob " + id + " is not where the ref table says");
        }
        matched[0]++;
      });
      if (r.end() != g.end() || matched[0] != v.table().size()) {
        throw new CorruptFileException(g.path(), r.end(), "frames and ref table disagree: " + matched[0]
            + " live frames for " + v.table().size() + " refs, frames end at " + r.end() + " not " + g.end());
      }
      return new ArenaStats(g.number, r.liveBlobs(), r.liveBytes(), r.freeBlobs(), r.freeBytes(), g.capacity());
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Checks one generation file on its own, read-only: header, every committed frame, and the tail up to the
   * first invalid frame.
   *
   * @throws dev.aeon.common.io.FileFormatException if the file is damaged or of another version
   */
  public static ArenaStats verifyFile(Path file) throws IOException {
    Objects.requireNonNull(file, "file");
    return Verifier.verify(file);
  }

  /** Whether {@link #close} has begun (tests). */
  boolean isClosing() {
    return closing;
  }

  /**
   * Forces everything, then unmaps once readers have left and releases the directory. A collection that runs
   * gives up (it stops copying before its next blob and deletes its copy); this waits until it has.
   *
   * @throws IOException after releasing everything, if a collection that failed left a file whose deletion
   *     cannot be made durable (see {@link #force}): a crash could bring it back in place of what was forced. Any
   *     other failure (writing the commit record to a file cut short) is thrown after releasing everything too.
   */
  @Override
  public void close() throws IOException {
    // Under the lock that free holds from its check of closing until it has published the collection it
    // starts: set without it, a free could pass the check, then start a collection after the wait below had
    // found none, which then ran on the closed arena, its directory released (CloseDuringFreeTest)
    writeLock.lock();
    try {
      closing = true;
    } finally {
      writeLock.unlock();
    }
    try {
      awaitBackgroundGc();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while waiting for a garbage collection in " + dir);
    }
    // A collection a caller runs, which closing cancels: once it has let go of this lock, it has deleted its
    // copy. Returning before, with the directory released, let it delete its temp file by name after another
    // arena could have opened the directory and made a file of that name (CloseDuringGcTest)
    gcLock.lock();
    writeLock.lock();
    View v;
    // Thrown once everything is released, the first with the later ones suppressed: thrown at once (the commit's
    // InternalError, from a file cut short under its mapping), it left the directory locked until the JVM exited
    // (FailedCloseTest)
    Throwable failure = null;
    try {
      v = view;
      if (v == null) {
        return;
      }
      try {
        settleWithdrawal();
      } catch (UncheckedIOException e) {
        failure = new IOException(e.getMessage(), e.getCause());
      }
      try {
        v.generation().commit(nextId); // nothing at or above nextId was handed out: give the reservation back
      } catch (RuntimeException | Error e) {
        failure = FirstFailure.of(failure, e);
      }
      scheduleErase(v.generation(), takePendingErase());
      view = null;
    } finally {
      writeLock.unlock();
      gcLock.unlock();
    }
    try {
      retireGeneration(v.generation());
    } catch (RuntimeException | Error e) {
      failure = FirstFailure.of(failure, e);
    }
    try {
      lock.close();
    } catch (IOException | RuntimeException | Error e) {
      failure = FirstFailure.of(failure, e);
    }
    if (failure instanceof IOException e) {
      throw e;
    }
    if (failure != null) {
      throw FirstFailure.unchecked(failure);
    }
  }

  /** Unmaps {@code g} once readers have left it, after its scheduled erasures; closes the EBR domain if it owns it. */
  private void retireGeneration(Generation g) {
    // Retired after every erasure, so no reader can see their frames once this runs, but another thread's
    // reclamation may be running one of them or not have started it yet (each thread that reclaims closes its
    // own batch): the lock makes the unmapping wait for one in progress, and it runs those not started.
    ebr.retire(() -> {
      writeLock.lock();
      try {
        for (Erasure e : List.copyOf(scheduledErasures)) {
          e.run();
        }
        g.data().force();
      } finally {
        try {
          g.closeNow(); // unmapped even if an erasure or the force failed: the arena is closed either way
        } finally {
          writeLock.unlock();
        }
      }
    });
    if (ownsEbr) {
      ebr.close();
    }
  }

  /** The directory holding the generation files. */
  public Path directory() {
    return dir;
  }
}
