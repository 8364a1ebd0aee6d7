package dev.aeon.server;

import dev.aeon.server.resp.ProtocolException;
import dev.aeon.server.resp.RespDecoder;
import dev.aeon.server.resp.RespWriter;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.util.function.Consumer;

/**
 * One client, served by two virtual threads: the reader reads a command, runs it and writes its reply into the
 * connection's {@link OutputQueue}, handing what is written over once no pipelined command is waiting in the
 * buffer, and once the writes of the commands before are durable ({@link DurableReplies}: a pipeline's writes share
 * forced writes of the log); the sender writes the queue to the socket as fast as the client takes it. The reader
 * never waits for the client to read, so a client that sends a whole pipeline before reading any reply is served, and a
 * command's request memory is given back as soon as it has run. A malformed or oversized frame gets an error
 * reply and closes this connection only.
 */
final class Connection implements Runnable {

  /** What the reader is doing, for the idle reaper: a client is never cut off for the time its command runs. */
  enum State { READING, EXECUTING }

  private final long id;
  private final Socket socket;
  private final ServerContext server;
  private final RespDecoder decoder;
  private final OutputQueue output;
  private final RespWriter writer;
  private final DurableReplies replies;
  private final ClientSession session;
  private final Consumer<Connection> onClose;
  private final Thread sender;
  private volatile State state = State.READING;
  /** When the reader last received a command or finished one (entered its state). */
  private volatile long sinceNanos = System.nanoTime();

  Connection(long id, Socket socket, ServerContext server, Consumer<Connection> onClose) throws IOException {
    this.id = id;
    this.socket = socket;
    this.server = server;
    this.onClose = onClose;
    this.decoder = new RespDecoder(socket.getInputStream(), server.config().limits(), server.requestBudget());
    this.output = new OutputQueue(server.config().outputLimit(), server.outputBudget());
    // A reply built whole off this thread stops at the limit of unread replies, which it could never fit in. Replies
    // reach the queue only once the writes of their commands and of those before them are durable (DurableReplies).
    this.replies = new DurableReplies(output);
    this.writer = new RespWriter(replies, 16 << 10, server.config().outputLimit());
    // The replies held while a next request was buffered go out before the reader waits for more of it: what is
    // buffered may be only part of that request (serve() flushes when nothing is buffered). Handing them over waits
    // for their writes' forces: the server is busy meanwhile, not waiting on the client, so the idle reaper does not
    // count that wait (a force slower than the idle timeout closed the client), and the client's idle time starts
    // once the replies are handed over.
    this.decoder.beforeRead(() -> {
      enter(State.EXECUTING);
      writer.flush();
      enter(State.READING);
    });
    this.session = new ClientSession(id, server, writer, replies,
        socket.getInetAddress().getHostAddress() + ":" + socket.getPort(),
        socket.getLocalAddress().getHostAddress() + ":" + socket.getLocalPort());
    session.onDisconnect(this::close);
    decoder.authenticated(session::authenticated);
    output.authenticated(session::authenticated);
    OutputStream out = socket.getOutputStream();
    // Once the sender stops (all sent, or the socket or the queue failed) the socket closes, which also ends
    // a reader blocked on it.
    this.sender = Thread.ofVirtual().name("aeon-client-" + id + "-out").unstarted(() -> {
      try {
        output.sendTo(out);
      } finally {
        close(); // after an Error too (memory run out): a socket left open would leave its client waiting
      }
    });
  }

  @Override
  public void run() {
    sender.start();
    try {
      serve();
    } catch (ProtocolException e) {
      try {
        writer.error(e.getMessage());
        writer.flush();
      } catch (DurableReplies.NotDurable notDurable) {
        warnNotDurable(notDurable); // the replies held before the error's, and the error's, are not sent
      } catch (IOException ignored) {
        // the client is gone already
      }
    } catch (EOFException e) {
      // The input ended inside a command: the client half-closed, or a stop shut the input down while the client
      // was sending. The replies of the commands before it are sent, as at the end of input between commands.
      try {
        writer.flush();
      } catch (DurableReplies.NotDurable notDurable) {
        warnNotDurable(notDurable);
      } catch (IOException overLimit) {
        // logged below
      }
    } catch (DurableReplies.NotDurable e) {
      // Replies that cannot be sent as they are nor replaced: the wait for their writes was interrupted (a pipelined
      // write whose force fails gets an error reply in its place, and the connection goes on: DurableReplies). Every
      // reply held since is dropped and no later one is sent, so that the client never takes such a write for done;
      // the replies handed over before, whose writes were durable, still go out (below), then the connection closes.
      warnNotDurable(e);
    } catch (RespWriter.ReplyTooLarge e) {
      // A command's reply, built whole before it is queued, would pass the limit of unread replies: disconnected
      // and logged as a client past that limit is.
      output.overLimit(e.getMessage());
      close();
    } catch (IOException e) {
      // The client went away, the reaper closed the socket, or the client left too many replies unread (logged
      // below): nothing more is sent, and closing now ends a sender blocked on the socket.
      close();
    } catch (RuntimeException | Error e) {
      // A defect of the server outside any command's handler (a handler's own failure is an error reply), or memory
      // run out reading a request: logged, and the client told as of a malformed frame, as far as it can be. The
      // request's memory is given back first, so that the log line (with the error's stack trace the first time)
      // and an error reply fit where the request did not. The first time in the process, not in an episode as for a
      // periodic task: a connection ends here, and no later run of it can say that the defect has gone.
      decoder.release();
      ServerLog.warn("client " + id + " at " + session.address() + " disconnected by an internal error: " + e, e);
      try {
        writer.error("ERR internal error: " + e);
        writer.flush();
      } catch (IOException | RuntimeException | Error notSent) {
        if (notSent instanceof DurableReplies.NotDurable notDurable) {
          warnNotDurable(notDurable);
        }
        close();
      }
    } finally {
      decoder.release();
      output.finish();
      awaitSender();
      close();
      String overLimit = output.limitExceeded();
      if (overLimit != null) {
        server.onOutputLimitDisconnect();
        ServerLog.warn("client " + id + " at " + session.address() + " disconnected: " + overLimit);
      }
      onClose.accept(this);
    }
  }

  private void serve() throws IOException, ProtocolException {
    while (true) {
      enter(State.READING);
      byte[][] command = decoder.next();
      if (command == null) {
        enter(State.EXECUTING); // the client has ended its input: the wait for the last replies' forces is ours
        writer.flush();
        return;
      }
      if (session.quitRequested()) {
        // Killed by another client (CLIENT KILL) while the last command ran: as in Redis, what it sent after that
        // command and the decoder holds already is dropped, not run on a closed connection.
        return;
      }
      enter(State.EXECUTING);
      // A command with a further request behind it leaves its writes' wait to its reply (DurableReplies); the last one
      // read waits for its own, which covers the earlier ones' of its namespace, and gets its own error if that fails.
      session.pipelined(decoder.hasBuffered());
      replies.commandStarted(writer.position());
      server.commands().dispatch(session, command);
      replies.commandEnded(writer.position());
      writer.sendIfOverfull(); // once the reply is held, if its writes wait: sending it waits for them
      server.onCommand();
      decoder.release();
      if (session.quitRequested()) {
        writer.flush();
        return;
      }
      if (!decoder.hasBuffered()) {
        writer.flush();
      }
    }
  }

  /**
   * Replies were dropped ({@link DurableReplies.NotDurable}): logged however the connection was ending (a malformed
   * frame, input ending inside a request, an internal error), since the client sees only a closed connection where
   * replies were due.
   */
  private void warnNotDurable(DurableReplies.NotDurable e) {
    ServerLog.warn("client " + id + " at " + session.address() + " disconnected: " + e.getMessage());
  }

  /** Waits for the sender to send the last replies; the idle reaper closes a client that does not take them. */
  private void awaitSender() {
    try {
      sender.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void enter(State s) {
    sinceNanos = System.nanoTime();
    state = s;
  }

  /**
   * Whether the client has neither sent a command nor taken a reply for longer than {@code idleNanos}, while
   * the server waits on it: to send the rest of a command, or to take the replies pending. A command that runs
   * with no reply pending is never cut off.
   */
  boolean idleFor(long nowNanos, long idleNanos) {
    // The state first: enter() writes the time first, so the time read after it is at least as new. Read the
    // other way round, a command that ran for long and just ended paired its start with READING.
    State now = state;
    long quiet = nowNanos - Math.max(sinceNanos, output.progressNanos());
    return quiet > idleNanos && (now == State.READING || output.pending() > 0);
  }

  /** Stops reading: the command running now completes and its reply is sent, then the connection ends. */
  void stopReading() {
    try {
      socket.shutdownInput();
    } catch (IOException e) {
      close();
    }
  }

  ClientSession session() {
    return session;
  }

  void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}
