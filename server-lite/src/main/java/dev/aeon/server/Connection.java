package dev.aeon.server;

import dev.aeon.server.resp.ProtocolException;
import dev.aeon.server.resp.RespDecoder;
import dev.aeon.server.resp.RespWriter;
import java.io.IOException;
import java.net.Socket;
import java.util.function.Consumer;

/**
 * One client, served by its own virtual thread: reads a command, runs it, and flushes the replies once no
 * pipelined command is waiting in the buffer. A malformed or oversized frame gets an error reply and closes
 * this connection only.
 */
final class Connection implements Runnable {

  /** What the connection is doing, for the idle reaper: a client is never cut off while its command runs. */
  enum State { READING, EXECUTING, WRITING }

  private final Socket socket;
  private final ServerContext server;
  private final RespDecoder decoder;
  private final RespWriter writer;
  private final ClientSession session;
  private final Consumer<Connection> onClose;
  private volatile State state = State.READING;
  private volatile long sinceNanos = System.nanoTime();

  Connection(long id, Socket socket, ServerContext server, Consumer<Connection> onClose) throws IOException {
    this.socket = socket;
    this.server = server;
    this.onClose = onClose;
    this.decoder = new RespDecoder(socket.getInputStream(), server.config().limits(), server.requestBudget());
    this.writer = new RespWriter(socket.getOutputStream());
    this.session = new ClientSession(id, server, writer,
        socket.getInetAddress().getHostAddress() + ":" + socket.getPort());
  }

  @Override
  public void run() {
    try {
      serve();
    } catch (ProtocolException e) {
      try {
        writer.error(e.getMessage());
        writer.flush();
      } catch (IOException ignored) {
        // the client is gone already
      }
    } catch (IOException | RuntimeException e) {
      // the client went away, or the reaper or a stop closed the socket: nothing to tell anyone
    } finally {
      decoder.release();
      close();
      onClose.accept(this);
    }
  }

  private void serve() throws IOException, ProtocolException {
    while (true) {
      enter(State.READING);
      byte[][] command = decoder.next();
      if (command == null) {
        writer.flush();
        return;
      }
      enter(State.EXECUTING);
      server.commands().dispatch(session, command);
      server.onCommand();
      decoder.release();
      if (session.quitRequested()) {
        writer.flush();
        return;
      }
      if (!decoder.hasBuffered()) {
        enter(State.WRITING);
        writer.flush();
      }
    }
  }

  private void enter(State s) {
    sinceNanos = System.nanoTime();
    state = s;
  }

  /** Whether the client has spent longer than {@code idleNanos} sending a command or taking a reply. */
  boolean idleFor(long nowNanos, long idleNanos) {
    return state != State.EXECUTING && nowNanos - sinceNanos > idleNanos;
  }

  /** Stops reading: the command running now completes and its reply is sent, then the connection ends. */
  void stopReading() {
    try {
      socket.shutdownInput();
    } catch (IOException e) {
      close();
    }
  }

  void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}
