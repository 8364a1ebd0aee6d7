package dev.aeon.server;

import dev.aeon.common.RepeatedFailures;
import dev.aeon.common.io.Uninterruptibly;
import dev.aeon.engine.Aeon;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The TCP server: accepts clients on one thread, serves each on its own virtual thread, closes clients idle
 * past the limit, and on {@link #close()} (or a client's {@code SHUTDOWN}) stops in bounded time: it stops
 * accepting, lets running commands finish, checkpoints every namespace it opened, and closes the engine.
 */
public final class AeonServer implements AutoCloseable {

  /** Pause before accepting again after an accept failed (mostly: the process is out of file descriptors). */
  private static final long ACCEPT_RETRY_MILLIS = 100;
  private static final byte[] TOO_MANY = "-ERR max number of clients reached\r\n".getBytes(StandardCharsets.US_ASCII);

  private final ServerConfig config;
  private final Aeon aeon;
  private final ServerContext context;
  private final ServerSocket listener;
  private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
  private final AtomicLong nextId = new AtomicLong();
  private final ScheduledExecutorService reaper;
  /** Closes the namespaces no command used for a while; null when they stay open until the stop. */
  private final ScheduledExecutorService namespaceCloser;
  private final Thread acceptor;
  private final CountDownLatch stopped = new CountDownLatch(1);
  /** What is logged of failed accepts: the first of a burst, and the accept that ends it. */
  private final RepeatedFailures acceptFailures = new RepeatedFailures("accepting clients",
      (line, failure) -> ServerLog.warn(line), ServerLog::info);
  private volatile boolean stopping;

  private AeonServer(ServerConfig config, Aeon aeon, ServerSocket listener) {
    this.config = config;
    this.aeon = aeon;
    this.listener = listener;
    this.context = new ServerContext(config, aeon);
    context.connectedClients(connections::size);
    // A client killed or quitting is gone for CLIENT LIST and KILL at once, though its threads may still be ending
    context.clients(() -> connections.stream().map(Connection::session).filter(s -> !s.quitRequested())
        .sorted(Comparator.comparingLong(ClientSession::id)).toList());
    context.onStopRequested(who -> Thread.ofPlatform().name("aeon-stop").start(() -> stop(", asked by " + who)));
    this.reaper = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon()
        .name("aeon-idle-reaper").unstarted(r));
    // saturating (an idle timeout of centuries is never), where toMillis() and toNanos() throw on overflow
    long period = Math.clamp(TimeUnit.MILLISECONDS.convert(config.idleTimeout()) / 4, 10, 1000);
    reaper.scheduleAtFixedRate(new RepeatedTask("disconnecting idle clients", this::reapIdle), period, period,
        TimeUnit.MILLISECONDS);
    this.namespaceCloser = config.namespaceIdle().isZero() ? null : startNamespaceCloser(config.namespaceIdle());
    this.acceptor = Thread.ofPlatform().name("aeon-accept").unstarted(this::acceptLoop);
  }

  /** Opens the data directory, binds and starts serving; logs one line with the address. */
  public static AeonServer start(ServerConfig config) throws IOException {
    // A file system exception's message is only the path ("aeon serve: aeon-data"), so say what it means.
    if (Files.exists(config.dir()) && !Files.isDirectory(config.dir())) {
      throw new IOException("the data directory " + config.dir() + " is not a directory");
    }
    if (config.backupDir() != null && Files.exists(config.backupDir()) && !Files.isDirectory(config.backupDir())) {
      throw new IOException("the backup directory " + config.backupDir() + " is not a directory");
    }
    if (config.backupDir() != null) { // else every MEM.BACKUP would be refused, or its copies mistaken for namespaces
      Aeon.checkBackupTarget(config.dir(), config.backupDir());
    }
    try {
      Files.createDirectories(config.dir());
    } catch (IOException e) {
      throw new IOException("cannot create the data directory " + config.dir() + ": " + e, e);
    }
    Aeon aeon = Aeon.open(config.dir(), config.engine());
    ServerSocket listener = null;
    AeonServer server;
    try {
      listener = listen(config);
      server = new AeonServer(config, aeon, listener);
    } catch (IOException | RuntimeException | Error e) {
      // Whatever stops the start closes what it opened, or the directory stays locked for this process
      if (listener != null) {
        try {
          listener.close();
        } catch (IOException closing) {
          e.addSuppressed(closing);
        }
      }
      try {
        aeon.close();
      } catch (RuntimeException closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
    server.acceptor.start();
    ServerLog.info("started on " + server.addressText() + ", data " + config.dir().toAbsolutePath()
        + ", durability " + config.engine().durability() + ", embedder " + embedderText(config)
        + ", auth " + (config.password() == null ? "off" : "on"));
    return server;
  }

  private static ServerSocket listen(ServerConfig config) throws IOException {
    ServerSocket listener = new ServerSocket();
    try {
      listener.setReuseAddress(true);
      listener.bind(new InetSocketAddress(config.bind(), config.port()), 1024);
      return listener;
    } catch (IOException e) {
      listener.close();
      throw new IOException("cannot listen on " + config.bind().getHostAddress() + ":" + config.port()
          + ": " + e.getMessage(), e);
    }
  }

  /** The model, or none, and why when one was asked for and could not be loaded (the start line is on stdout). */
  private static String embedderText(ServerConfig config) {
    if (config.engine().embedder() != null) {
      return config.engine().embedder().model();
    }
    return config.embedderFailure() == null ? "none" : "none (" + config.embedderFailure() + ")";
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) listener.getLocalSocketAddress();
  }

  public int port() {
    return listener.getLocalPort();
  }

  public ServerContext context() {
    return context;
  }

  public int connectionCount() {
    return connections.size();
  }

  private String addressText() {
    return config.bind().getHostAddress() + ":" + listener.getLocalPort();
  }

  private void acceptLoop() {
    while (!stopping) {
      Socket socket;
      try {
        socket = listener.accept();
      } catch (IOException e) {
        if (!stopping) {
          // Out of file descriptors, the usual cause, fails every accept at once until a client leaves: retried at
          // once, it spun a core and logged each failure. Logged once per kind and episode, as the periodic tasks'
          // failures are, then retried after a pause. The line alone: the message says what ran out.
          acceptFailures.failed(e, "retried every " + ACCEPT_RETRY_MILLIS + " ms, " + connections.size()
              + " clients connected");
          pause(ACCEPT_RETRY_MILLIS);
        }
        continue;
      }
      acceptFailures.succeeded();
      admit(socket);
    }
  }

  /** Sleeps; an interrupt (the stop) ends the pause early. */
  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      // the loop checks whether the server is stopping
    }
  }

  private void admit(Socket socket) {
    context.onAccepted();
    if (connections.size() >= config.maxConnections() || stopping) {
      context.onRejected();
      try (socket; OutputStream out = socket.getOutputStream()) {
        out.write(TOO_MANY);
      } catch (IOException ignored) {
        // it is being turned away anyway
      }
      return;
    }
    try {
      socket.setTcpNoDelay(true);
      long id = nextId.incrementAndGet();
      Connection c = new Connection(id, socket, context, connections::remove);
      connections.add(c);
      Thread.ofVirtual().name("aeon-client-" + id).start(c);
    } catch (IOException | RuntimeException e) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // nothing more to do
      }
    }
  }

  /** A thread of its own: a close checkpoints, which must not hold back closing idle connections. */
  private ScheduledExecutorService startNamespaceCloser(java.time.Duration idle) {
    ScheduledExecutorService closer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon()
        .name("aeon-namespace-closer").unstarted(r));
    long period = Math.clamp(TimeUnit.MILLISECONDS.convert(idle) / 4, 10, 60_000); // saturating, as above
    closer.scheduleWithFixedDelay(new RepeatedTask("closing idle namespaces", this::closeIdleNamespaces), period,
        period, TimeUnit.MILLISECONDS);
    return closer;
  }

  private void closeIdleNamespaces() {
    List<String> closed = context.closeIdleNamespaces();
    if (!closed.isEmpty()) {
      java.time.Duration idle = config.namespaceIdle();
      ServerLog.info("closed " + closed.size() + " namespace(s) unused for "
          + (idle.toSeconds() > 0 ? idle.toSeconds() + " s" : idle.toMillis() + " ms") + ": "
          + String.join(", ", closed.size() <= 10 ? closed : closed.subList(0, 10))
          + (closed.size() > 10 ? ", ..." : ""));
    }
  }

  private void reapIdle() {
    long now = System.nanoTime();
    long idle = TimeUnit.NANOSECONDS.convert(config.idleTimeout());
    for (Connection c : connections) {
      if (c.idleFor(now, idle)) {
        c.close();
      }
    }
  }

  /** Blocks until the server has stopped. */
  public void awaitStop() throws InterruptedException {
    stopped.await();
  }

  /**
   * Stops within about {@link ServerConfig#stopTimeout()}; logs one line. Idempotent: during a stop under way (asked by
   * SHUTDOWN) it returns once that stop has ended.
   */
  @Override
  public void close() {
    stop("");
  }

  /** {@link #close()}; the log line ends with {@code why}. */
  private void stop(String why) {
    boolean underWay;
    synchronized (this) {
      underWay = stopping;
      stopping = true;
    }
    if (underWay) {
      // Not at once: aeon serve's shutdown hook is close(), and a SIGTERM during a SHUTDOWN's stop would otherwise
      // end the process before the engine is closed
      Uninterruptibly.await(stopped::await);
      return;
    }
    try {
      stopOnce(why);
    } finally {
      stopped.countDown(); // whatever failed: a close() waiting for this stop must not wait forever
    }
  }

  private void stopOnce(String why) {
    // Saturating, as the idle times are (toNanos() throws past 292 years), and at most 73 years ahead, so that the
    // deadline itself cannot overflow: a stop timeout of centuries is a stop that waits as long as it needs.
    long wait = Math.min(TimeUnit.NANOSECONDS.convert(config.stopTimeout()), Long.MAX_VALUE / 4);
    long deadline = System.nanoTime() + wait;
    try {
      listener.close();
    } catch (IOException ignored) {
      // the accept loop ends either way
    }
    reaper.shutdownNow();
    if (namespaceCloser != null) {
      namespaceCloser.shutdown(); // not now: a close under way finishes, and the engine's close waits for it
    }
    for (Connection c : connections) {
      c.stopReading();
    }
    waitForClients(System.nanoTime() + (deadline - System.nanoTime()) / 2);
    for (Connection c : connections) {
      c.close();
    }
    context.shutdownCompute();
    String outcome = checkpointAndClose(deadline);
    acceptor.interrupt();
    ServerLog.info("stopped on " + addressText() + ", data " + config.dir().toAbsolutePath()
        + ", durability " + config.engine().durability() + ", " + outcome + why);
  }

  private void waitForClients(long deadlineNanos) {
    while (!connections.isEmpty() && System.nanoTime() < deadlineNanos) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Checkpoints and closes the engine on another thread, so that a slow disk cannot hold the stop forever. */
  private String checkpointAndClose(long deadlineNanos) {
    long start = System.nanoTime();
    String[] result = {"not finished"};
    Thread t = Thread.ofPlatform().name("aeon-stop-checkpoint").start(() -> {
      try {
        // Closing each open namespace checkpoints it. Not one by one before: the namespace closer may be
        // closing one meanwhile (its checkpoint would then be refused, and the engine left open), and one
        // it closed would be opened again only to be checkpointed. The engine's close waits for a close
        // under way; the closer then stops, as it does once the engine is closed.
        int n = context.openNamespaces().size();
        aeon.close();
        result[0] = "checkpointed " + n + " namespace(s) in " + (System.nanoTime() - start) / 1_000_000 + " ms";
      } catch (RuntimeException e) {
        result[0] = "checkpoint failed (" + e + "); the write-ahead log will be replayed on the next start";
      }
    });
    try {
      if (!t.join(java.time.Duration.ofNanos(Math.max(1, deadlineNanos - System.nanoTime())))) {
        return "checkpoint still running at the stop deadline; the write-ahead log will be replayed on the next start";
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return result[0]; // join() made the thread's write visible
  }
}
