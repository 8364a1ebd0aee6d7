package dev.aeon.server;

import dev.aeon.engine.DeferredDurability;
import dev.aeon.server.command.CommandTable;
import dev.aeon.server.resp.RespWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;

/**
 * The way a connection's replies take to its {@link OutputQueue}: each reply to a command whose writes did not wait
 * to be durable (a pipelined write: {@link ServerContext#runCommand}) is held until they are, and replaced by an error
 * reply if the log fails to make them so. The commands of a pipeline run one after the other without waiting each for
 * its own forced write of the log (under SYNC), and their replies, which the connection's {@link RespWriter} buffers
 * until no further request is buffered or the buffer is full, wait here as the buffer is handed over: every reply
 * waits for the writes of the commands before it and of its own (no reply, to a write or to a read that saw one,
 * reaches the client before those writes are durable), and the writes of many commands share forces, since all of
 * them were logged before the first wait.
 *
 * <p>Each command's writes are collected apart ({@link #runningCommandWrites}), so that a failed force costs only
 * the replies of the commands whose writes it failed: each gets the error a write that waited for its own force gets
 * ({@code ERR I/O error: the write-ahead log failed to make a mutation durable ...}), the others their replies, in
 * command order, and the connection stays open, as after a write that waited (the engine reopens the namespace that
 * failed on its next use, and the vector sets read from the failed instance are read again from the reopened one:
 * {@link dev.aeon.server.vset.VectorSets}).
 *
 * <p>The bytes are numbered as the writer numbers them ({@link RespWriter#position}): the connection says where each
 * command's reply starts and ends ({@link #commandStarted}, {@link #commandEnded}). A reply is held only once its
 * command has ended, and the writer hands the buffer over whole, so each held reply reaches this stream in one piece.
 * Only a command run on the pool has writes that did not wait ({@code ServerContext.runLeasing}), and its reply is
 * handed over only once the command has ended (the writer defers sending while it runs): so no part of a held reply
 * has been handed over before its command ended, and each can be replaced whole. A command run on the connection's
 * own thread, whose reply may be handed over in part as it outgrows the buffer, waits for its own writes. If the wait
 * for a held reply's writes is interrupted, whether they are durable is unknown: {@link NotDurable} is thrown, the
 * replies held are dropped and the connection closes.
 *
 * <p>Only the connection's own thread writes here; {@link #runningCommandWrites} is called from the thread that runs
 * the command, while the connection's thread waits for it.
 */
final class DurableReplies extends OutputStream {

  /** The replies cannot be sent as they are and cannot be replaced: the connection must close. */
  static final class NotDurable extends IOException {
    NotDurable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * The reply in bytes [{@code start}, {@code end}), its command's whole reply, stands only once {@code writes} are
   * durable; else an error reply replaces it.
   */
  private static final class HeldReply {
    final long start;
    final long end;
    final DeferredDurability writes;
    /** Null until awaited; then {@link #STANDS}, or the error reply that replaces it. */
    byte[] replacement;
    boolean replacementSent;

    HeldReply(long start, long end, DeferredDurability writes) {
      this.start = start;
      this.end = end;
      this.writes = writes;
    }
  }

  private static final byte[] STANDS = new byte[0];

  private final OutputQueue queue;
  /** The replies held, in the order of their bytes. */
  private final ArrayDeque<HeldReply> held = new ArrayDeque<>();
  /** Bytes the writer handed over so far: the position of the next one. */
  private long received;
  /** Where the reply of the command running now starts, or -1 between commands. */
  private long runningStart = -1;
  /** The writes of the command running now that did not wait, or null while it has made none. */
  private volatile DeferredDurability running;

  DurableReplies(OutputQueue queue) {
    this.queue = queue;
  }

  /** A command starts; its reply will start at {@code position} ({@link RespWriter#position}). */
  void commandStarted(long position) {
    runningStart = position;
    running = null;
  }

  /**
   * Where the writes of the running command that need not wait go ({@link DeferredDurability#call}): one instance a
   * command, so that a failed force fails the replies of only the commands whose writes it failed.
   */
  DeferredDurability runningCommandWrites() {
    DeferredDurability w = running;
    if (w == null) {
      w = new DeferredDurability();
      running = w;
    }
    return w;
  }

  /** The running command ended, its reply ending before {@code position}: it is held until its writes are durable. */
  void commandEnded(long position) throws NotDurable {
    DeferredDurability w = running;
    if (w != null && w.pending()) {
      if (runningStart < received) { // a defect: only a command on the pool defers its writes' wait, its reply unsent
        throw new NotDurable("part of a reply was handed over before its command's writes were durable", null);
      }
      held.add(new HeldReply(runningStart, position, w));
    }
    runningStart = -1;
    running = null;
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    long to = received + len;
    while (received < to) {
      HeldReply next = held.peek();
      if (next == null || next.start >= to) {
        sendUnheld(b, off, to);
        return;
      }
      if (received < next.start) { // replies whose commands wrote nothing that waits (or an error outside a command)
        int n = (int) (next.start - received);
        queue.write(b, off, n);
        off += n;
        received += n;
        continue;
      }
      byte[] replacement = outcome(next);
      int n = (int) (Math.min(next.end, to) - received);
      if (replacement == STANDS) {
        queue.write(b, off, n);
      } else if (!next.replacementSent) {
        queue.write(replacement, 0, replacement.length);
        next.replacementSent = true;
      }
      off += n;
      received += n;
      if (received == next.end) {
        held.remove();
      }
    }
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  /** Nothing is held here: what was written is in the queue, which its sender sends as soon as it can. */
  @Override
  public void flush() {
    queue.flush();
  }

  /**
   * Sends bytes up to {@code to} that no held reply covers: the replies of commands that made no write that waits,
   * and part of the reply of a command running on the connection's thread, which made none.
   */
  private void sendUnheld(byte[] b, int off, long to) throws IOException {
    queue.write(b, off, (int) (to - received));
    received = to;
  }

  /** Waits, once, for the writes of {@code reply}; returns {@link #STANDS} or the error reply replacing it. */
  private byte[] outcome(HeldReply reply) throws NotDurable {
    if (reply.replacement == null) {
      try {
        reply.writes.await();
        reply.replacement = STANDS;
      } catch (DeferredDurability.NotDurable failed) { // the log failed: this command's writes are not durable
        reply.replacement = RespWriter.errorReply(CommandTable.clientErrorText(failed));
      } catch (UncheckedIOException interrupted) { // the wait was interrupted: whether they are durable is unknown
        throw notSent(interrupted);
      }
    }
    return reply.replacement;
  }

  /** Whether they were durable is unknown: nothing more can be sent. */
  private NotDurable notSent(UncheckedIOException e) {
    return new NotDurable("the replies of the commands run since the last ones sent were not sent: "
        + e.getMessage() + ": " + e.getCause(), e.getCause());
  }
}
