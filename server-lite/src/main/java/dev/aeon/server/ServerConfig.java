package dev.aeon.server;

import dev.aeon.engine.AeonOptions;
import dev.aeon.server.resp.RespLimits;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How a server runs. {@link #defaults()}: 127.0.0.1:6380, data in {@code ./aeon-data}, no password, the RESP
 * limits of {@link RespLimits#DEFAULT}, 10,000 connections, 5 minutes to send each command or take a reply, 1 GiB
 * of unfinished requests in total, 128 MiB of unread replies per connection and 1 GiB in total, 30 seconds to
 * stop, namespaces closed after 10 minutes unused, no backups.
 *
 * @param bind address to listen on; anything but loopback needs a password
 * @param port TCP port; 0 picks a free one
 * @param dir the data directory
 * @param password the password of AUTH, or null for none
 * @param limits bounds on one request
 * @param maxConnections clients connected at once; the next one gets an error and is closed
 * @param idleTimeout how long a client may take to send a command, or to take a reply, before it is closed (past
 *     292 years: never)
 * @param requestMemory bytes of unfinished requests all clients together may make the server hold
 * @param outputLimit bytes of replies one client may leave unread; past it the client is disconnected. More
 *     than the largest bulk string (64 MiB), so that ECHO or a value of the largest size can be read back
 * @param outputMemory bytes of replies all clients together may leave unread; the client whose reply would
 *     pass it is disconnected
 * @param stopTimeout how long a stop may wait for clients and the final checkpoint (centuries: as long as they take)
 * @param namespaceIdle how long a namespace no command used stays open (its threads, log buffer and
 *     mappings held); zero, or centuries, keeps every namespace open until the server stops
 * @param engine options of the engine (durability, embedder, ...)
 * @param backupDir where MEM.BACKUP writes its copies, or null when backups are off
 * @param embedderFailure why the embedding model asked for could not be loaded, so that the server runs without one
 *     (said in the errors of what needs it), or null
 * @param pipelinedWritesShareForces whether a connection's commands run without waiting each for its writes to be
 *     durable, each reply waiting instead for its command's writes and those before ({@link DurableReplies}: under
 *     SYNC a pipeline's writes then share forced writes of the log); false makes each write wait for its own before
 *     the connection's next command runs, as before (a baseline for {@code ./aeon bench server}). True by default
 * @param lightWritesOnConnectionThread whether a MEM.ADD or VADD found light for its arguments runs on its
 *     connection's thread ({@link dev.aeon.server.command.CommandTable#lightWhen}); false sends every one to the pool
 *     of command threads (a baseline for {@code ./aeon bench server --light-writes}). True by default
 */
public record ServerConfig(InetAddress bind, int port, Path dir, byte[] password, RespLimits limits,
    int maxConnections, Duration idleTimeout, long requestMemory, long outputLimit, long outputMemory,
    Duration stopTimeout, Duration namespaceIdle, AeonOptions engine, Path backupDir, String embedderFailure,
    boolean pipelinedWritesShareForces, boolean lightWritesOnConnectionThread) {

  public static final int DEFAULT_PORT = 6380;
  /**
   * The longest password: a client's requests before it has authenticated are held to 16 KiB in all (its
   * arguments and 16 bytes of bookkeeping each), and {@code HELLO 3 AUTH default <password> SETNAME <name>} must
   * fit with room for the rest.
   */
  public static final int MAX_PASSWORD_BYTES = 8 << 10;

  public ServerConfig {
    Objects.requireNonNull(bind, "bind");
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    Objects.requireNonNull(stopTimeout, "stopTimeout");
    Objects.requireNonNull(namespaceIdle, "namespaceIdle");
    if (namespaceIdle.isNegative()) {
      throw new IllegalArgumentException("namespaceIdle must not be negative: " + namespaceIdle);
    }
    Objects.requireNonNull(engine, "engine");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0-65535: " + port);
    }
    if (maxConnections < 1 || requestMemory < 1 || idleTimeout.isNegative() || idleTimeout.isZero()) {
      throw new IllegalArgumentException("bad server limits: connections " + maxConnections
          + ", request memory " + requestMemory + ", idle timeout " + idleTimeout);
    }
    if (outputLimit < 1 || outputMemory < 1) {
      throw new IllegalArgumentException("bad output limits: " + outputLimit + " bytes per connection, "
          + outputMemory + " in total");
    }
    if (password != null && password.length == 0) {
      throw new IllegalArgumentException("the password is empty");
    }
    if (password != null && password.length > MAX_PASSWORD_BYTES) {
      throw new IllegalArgumentException("the password takes " + password.length + " bytes, more than the "
          + MAX_PASSWORD_BYTES + " a client may send before it has authenticated");
    }
    if (password == null && !bind.isLoopbackAddress()) {
      throw new IllegalArgumentException("refusing to listen on " + bind.getHostAddress()
          + " without a password: only loopback addresses may be served without one (use --password-file)");
    }
  }

  public static ServerConfig defaults() {
    return new ServerConfig(InetAddress.getLoopbackAddress(), DEFAULT_PORT, Path.of("aeon-data"), null,
        RespLimits.DEFAULT, 10_000, Duration.ofMinutes(5), 1L << 30, 128L << 20, 1L << 30, Duration.ofSeconds(30),
        Duration.ofMinutes(10), AeonOptions.defaults(), null, null, true, true);
  }

  public ServerConfig withAddress(InetAddress bind, int port) {
    return new ServerConfig(bind, port, dir, password, limits, maxConnections, idleTimeout, requestMemory,
        outputLimit, outputMemory, stopTimeout, namespaceIdle, engine, backupDir, embedderFailure,
        pipelinedWritesShareForces, lightWritesOnConnectionThread);
  }

  public ServerConfig withDir(Path dir) {
    return new ServerConfig(bind, port, dir, password, limits, maxConnections, idleTimeout, requestMemory,
        outputLimit, outputMemory, stopTimeout, namespaceIdle, engine, backupDir, embedderFailure,
        pipelinedWritesShareForces, lightWritesOnConnectionThread);
  }

  public ServerConfig withPassword(byte[] password) {
    return new ServerConfig(bind, port, dir, password, limits, maxConnections, idleTimeout, requestMemory,
        outputLimit, outputMemory, stopTimeout, namespaceIdle, engine, backupDir, embedderFailure,
        pipelinedWritesShareForces, lightWritesOnConnectionThread);
  }

  public ServerConfig withLimits(RespLimits limits, int maxConnections, Duration idleTimeout, long requestMemory) {
    return new ServerConfig(bind, port, dir, password, limits, maxConnections, idleTimeout, requestMemory,
        outputLimit, outputMemory, stopTimeout, namespaceIdle, engine, backupDir, embedderFailure,
        pipelinedWritesShareForces, lightWritesOnConnectionThread);
  }

  /** {@code perConnection} bytes of unread replies per client, {@code total} for all clients together. */
  public ServerConfig withOutputLimits(long perConnection, long total) {
    return new ServerConfig(bind, port, dir, password, limits, maxConnections, idleTimeout, requestMemory,
        perConnection, total, stopTimeout, namespaceIdle, engine, backupDir, embedderFailure,
        pipelinedWritesShareForces, lightWritesOnConnectionThread);
  }

  public ServerConfig withEngine(AeonOptions engine) {
    return new ServerConfig(bind, port, dir, password, limits, maxConnections, idleTimeout, requestMemory,
        outputLimit, outputMemory, stopTimeout, namespaceIdle, engine, backupDir, embedderFailure,
        pipelinedWritesShareForces, lightWritesOnConnectionThread);
  }

  public ServerConfig withNamespaceIdle(Duration namespaceIdle) {
    return new ServerConfig(bind, port, dir, password, limits, maxConnections, idleTimeout, requestMemory,
        outputLimit, outputMemory, stopTimeout, namespaceIdle, engine, backupDir, embedderFailure,
        pipelinedWritesShareForces, lightWritesOnConnectionThread);
  }

  public ServerConfig withBackupDir(Path backupDir) {
    return new ServerConfig(bind, port, dir, password, limits, maxConnections, idleTimeout, requestMemory,
        outputLimit, outputMemory, stopTimeout, namespaceIdle, engine, backupDir, embedderFailure,
        pipelinedWritesShareForces, lightWritesOnConnectionThread);
  }

  /** {@link #pipelinedWritesShareForces}: false makes each write wait to be durable before the next command runs. */
  public ServerConfig withPipelinedWritesShareForces(boolean share) {
    return new ServerConfig(bind, port, dir, password, limits, maxConnections, idleTimeout, requestMemory,
        outputLimit, outputMemory, stopTimeout, namespaceIdle, engine, backupDir, embedderFailure, share,
        lightWritesOnConnectionThread);
  }

  /** {@link #lightWritesOnConnectionThread}: false sends every MEM.ADD and VADD to the pool of command threads. */
  public ServerConfig withLightWritesOnConnectionThread(boolean onConnectionThread) {
    return new ServerConfig(bind, port, dir, password, limits, maxConnections, idleTimeout, requestMemory,
        outputLimit, outputMemory, stopTimeout, namespaceIdle, engine, backupDir, embedderFailure,
        pipelinedWritesShareForces, onConnectionThread);
  }

  /** {@code failure}: why the embedding model asked for could not be loaded (null: none was asked for, or it was). */
  public ServerConfig withEmbedderFailure(String failure) {
    return new ServerConfig(bind, port, dir, password, limits, maxConnections, idleTimeout, requestMemory,
        outputLimit, outputMemory, stopTimeout, namespaceIdle, engine, backupDir, failure,
        pipelinedWritesShareForces, lightWritesOnConnectionThread);
  }
}
