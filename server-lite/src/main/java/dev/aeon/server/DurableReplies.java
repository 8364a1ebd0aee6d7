package dev.aeon.server;

import dev.aeon.engine.DeferredDurability;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * The way a connection's replies take to its {@link OutputQueue}: before any byte is handed over, the writes the
 * connection's commands made are waited for until they are durable ({@link DeferredDurability#await}). The commands
 * of a pipeline run one after the other without waiting each for its own forced write of the log (under SYNC), and
 * their replies, which the connection's {@link dev.aeon.server.resp.RespWriter} holds until no further request is
 * buffered, wait here once for all of them: no reply, to a write or to a read that saw one, reaches the client before
 * those writes are durable. Only the connection's own thread writes here. If the log fails to make them durable, its
 * namespace has failed: the engine reopens it on its next use, and the vector sets read from the failed instance are
 * read again from the reopened one ({@link dev.aeon.server.vset.VectorSets}).
 */
final class DurableReplies extends OutputStream {

  /** The log failed to make the connection's writes durable: their replies must not be sent. */
  static final class NotDurable extends IOException {
    NotDurable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final OutputQueue queue;
  private final DeferredDurability writes;

  DurableReplies(OutputQueue queue, DeferredDurability writes) {
    this.queue = queue;
    this.writes = writes;
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    awaitWrites();
    queue.write(b, off, len);
  }

  @Override
  public void write(int b) throws IOException {
    awaitWrites();
    queue.write(b);
  }

  /** Nothing is held here: what was written is in the queue, which its sender sends as soon as it can. */
  @Override
  public void flush() {
    queue.flush();
  }

  private void awaitWrites() throws NotDurable {
    if (!writes.pending()) {
      return;
    }
    try {
      writes.await();
    } catch (UncheckedIOException e) { // the log failed (DeferredDurability.NotDurable), or the wait was interrupted
      throw new NotDurable("the replies of the commands run since the last ones sent were not sent: "
          + e.getMessage() + ": " + e.getCause(), e.getCause());
    }
  }
}
