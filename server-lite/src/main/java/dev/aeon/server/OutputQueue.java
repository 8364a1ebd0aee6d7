package dev.aeon.server;

import dev.aeon.server.resp.MemoryBudget;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * The replies of one connection waiting to be sent: its {@link dev.aeon.server.resp.RespWriter} writes into
 * this stream, which never blocks, and the connection's sender thread ({@link #sendTo}) writes them to the
 * socket as fast as the client takes them. So the connection's reader goes on reading and executing
 * commands while the client is still sending (a pipeline written whole before its replies are read cannot
 * deadlock), and a command never waits for a client that does not read.
 *
 * <p>Bounded twice, as Redis' {@code client-output-buffer-limit} bounds a client: by {@code limit} bytes
 * per connection, and by a server-wide {@link MemoryBudget}. A write past either fails the queue: the write
 * and every later one throw {@link LimitExceeded}, what was queued is dropped, and the connection closes.
 * Each connection holds its first {@link #FREE_ALLOWANCE} bytes without touching the shared budget, so that
 * ordinary replies never contend on its counter; a client that has not authenticated may hold no more, so that
 * clients without the password cannot take the budget from those that have it.
 */
final class OutputQueue extends OutputStream {

  /** Pending bytes a connection may hold without reserving from the shared budget. */
  static final int FREE_ALLOWANCE = 64 << 10;
  /** Granularity of reservations from the shared budget. */
  static final int RESERVE_CHUNK = 64 << 10;
  /**
   * Largest write to the socket at once: progress is noted after each, so a client reading a large reply
   * slowly but steadily is seen to be reading.
   */
  static final int SLICE = 64 << 10;
  /**
   * The least a chunk queued behind others holds: small replies are packed into the last chunk, so that the heap
   * a backlog takes stays close to the bytes it counts (an array per 7-byte {@code +PONG}, with its header and
   * its slot in the queue, took several times its bytes).
   */
  static final int CHUNK = 4 << 10;

  /** Queued bytes: {@code bytes[0, length)}; only the last chunk of the queue is still appended to. */
  private static final class Chunk {
    final byte[] bytes;
    int length;

    Chunk(int capacity) {
      bytes = new byte[capacity];
    }

    /** Copies as much of {@code b[off, off + len)} as fits; returns how much. */
    int append(byte[] b, int off, int len) {
      int n = Math.min(len, bytes.length - length);
      System.arraycopy(b, off, bytes, length, n);
      length += n;
      return n;
    }
  }

  /** Why a connection was closed: it left more replies unread than the server keeps for it. */
  static final class LimitExceeded extends IOException {
    LimitExceeded(String message) {
      super(message);
    }
  }

  private final long limit;
  private final MemoryBudget budget;
  private BooleanSupplier authenticated = () -> true;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<Chunk> chunks = new ArrayDeque<>();
  private long reserved;
  private boolean finished;
  private IOException failure;
  // Read by the idle reaper without the lock.
  private volatile long pending;
  private volatile long progressNanos = System.nanoTime();

  OutputQueue(long limit, MemoryBudget budget) {
    this.limit = limit;
    this.budget = budget;
  }

  /** Whether the client has authenticated (read by the thread that writes, when the budget is needed). */
  void authenticated(BooleanSupplier authenticated) {
    this.authenticated = authenticated;
  }

  /** Queues a copy of the bytes (the writer reuses its buffer); throws once the queue has failed. */
  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return;
    }
    lock.lock();
    try {
      if (failure != null) {
        throw failure instanceof LimitExceeded le ? new LimitExceeded(le.getMessage())
            : new IOException("the connection is closed", failure);
      }
      if (pending + len > limit) {
        throw fail(new LimitExceeded((pending + len) + " bytes of replies not read by the client, past the limit of "
            + limit + " per connection"));
      }
      while (pending + len > FREE_ALLOWANCE + reserved) {
        if (!authenticated.getAsBoolean()) {
          throw fail(new LimitExceeded((pending + len) + " bytes of replies not read by a client that has not"
              + " authenticated, past the limit of " + FREE_ALLOWANCE + " for such a client"));
        }
        if (!budget.tryReserve(RESERVE_CHUNK)) {
          throw fail(new LimitExceeded("the server holds " + budget.used() + " bytes of replies not read by"
              + " clients, its limit of " + budget.limit() + " for all connections"));
        }
        reserved += RESERVE_CHUNK;
      }
      if (pending == 0) {
        progressNanos = System.nanoTime(); // the stall clock starts when output becomes pending
      }
      pending += len;
      Chunk last = chunks.peekLast(); // not the one being sent: the sender takes a chunk off the queue first
      int copied = last == null ? 0 : last.append(b, off, len);
      if (copied < len) {
        // Exactly the bytes when nothing else waits (the sender keeps up, as it mostly does: a chunk per reply,
        // no spare room allocated); room for more behind a backlog, which is where small replies pile up.
        Chunk more = new Chunk(last == null ? len : Math.max(len - copied, CHUNK));
        more.append(b, off + copied, len - copied);
        chunks.addLast(more);
      }
      changed.signal();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  /** Nothing to do: the sender sends what is queued as soon as it can. */
  @Override
  public void flush() {}

  /**
   * The sender's loop: writes what is queued to {@code out} until {@link #finish()} was called and all of it
   * is sent, or the queue fails (a write to the socket that fails fails the queue).
   */
  void sendTo(OutputStream out) {
    try {
      Chunk chunk;
      while ((chunk = next()) != null) {
        for (int off = 0; off < chunk.length; off += SLICE) {
          int n = Math.min(SLICE, chunk.length - off);
          out.write(chunk.bytes, off, n);
          sent(n);
        }
      }
      out.flush();
    } catch (IOException e) {
      fail(e);
    } catch (InterruptedException e) {
      fail(new IOException("the sender was interrupted", e));
    }
  }

  /** No more replies: the sender ends once it has sent what is queued. */
  void finish() {
    lock.lock();
    try {
      finished = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Chunks queued (tests: the heap a queue takes follows its bytes). */
  int chunks() {
    lock.lock();
    try {
      return chunks.size();
    } finally {
      lock.unlock();
    }
  }

  /** Bytes queued and not yet sent. */
  long pending() {
    return pending;
  }

  /** When the client last took a slice of the replies, or when replies became pending after none were. */
  long progressNanos() {
    return progressNanos;
  }

  /** Why the queue failed if the client left too many replies unread, else null. */
  String limitExceeded() {
    lock.lock();
    try {
      return failure instanceof LimitExceeded ? failure.getMessage() : null;
    } finally {
      lock.unlock();
    }
  }

  /** The next chunk to send, or null once finished and empty or failed. */
  private Chunk next() throws InterruptedException {
    lock.lock();
    try {
      while (chunks.isEmpty() && !finished && failure == null) {
        changed.await();
      }
      return failure != null ? null : chunks.pollFirst(); // its bytes count as pending until sent
    } finally {
      lock.unlock();
    }
  }

  private void sent(int n) {
    lock.lock();
    try {
      if (failure != null) {
        return; // fail() gave everything back already
      }
      pending -= n;
      progressNanos = System.nanoTime();
      // Give back the chunks no longer needed, but keep one spare: a steady stream of replies then does not
      // reserve and release on every slice. All of it once nothing is pending.
      while (reserved > 0 && (pending == 0 || FREE_ALLOWANCE + reserved - pending >= 2 * RESERVE_CHUNK)) {
        budget.release(RESERVE_CHUNK);
        reserved -= RESERVE_CHUNK;
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Fails the queue as over its limit, for a reply that would pass it before it is written here (one built whole
   * off the connection's thread, {@link dev.aeon.server.resp.RespWriter.ReplyTooLarge}).
   */
  void overLimit(String message) {
    fail(new LimitExceeded(message));
  }

  /** Drops what is queued, gives its budget back and wakes the sender; returns {@code e} to be thrown. */
  private IOException fail(IOException e) {
    lock.lock();
    try {
      if (failure == null) {
        failure = e;
        chunks.clear();
        pending = 0;
        budget.release(reserved);
        reserved = 0;
        changed.signalAll();
      }
      return e;
    } finally {
      lock.unlock();
    }
  }
}
