package dev.aeon.server.command;

import dev.aeon.common.io.FileFormatException;
import dev.aeon.query.lang.QueryException;
import dev.aeon.server.ClientSession;
import dev.aeon.server.ServerLog;
import dev.aeon.server.mem.MemCommands;
import dev.aeon.server.resp.RespWriter;
import dev.aeon.server.vset.VectorSetCommands;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.BiPredicate;
import java.util.function.Supplier;

/**
 * Every command the server knows, by lower-case name, and the dispatch that checks authentication and
 * arity, runs the command and turns its failure into one error reply.
 */
public final class CommandTable {

  private final Map<String, CommandSpec> byName = new HashMap<>();
  /**
   * The most bytes of arguments a command run on its connection's thread may bring: what it parses, encodes and
   * checksums there holds the carrier every other client's thread shares (one on two cores), and a text or
   * attributes of megabytes (up to 16 MiB an event) would hold it for milliseconds. A vector of 384 numbers as text
   * is some 4 KiB.
   */
  static final int LIGHT_MAX_ARGUMENT_BYTES = 64 << 10;

  private final Map<String, LightCheck> lightWhen = new HashMap<>();
  private final Set<String> onThePool = new HashSet<>();
  private final Map<String, BiPredicate<ClientSession, Args>> startedOnTheConnectionThread = new HashMap<>();
  private final Executor compute;

  private CommandTable(Executor compute) {
    this.compute = compute;
  }

  /**
   * The table with every command of the server. Commands not flagged "fast" run on {@code compute} while
   * the connection's virtual thread waits: the engine's work (searches, embeddings, the open of a namespace) then
   * uses every core even when virtual threads share fewer carriers (one on two cores), is preempted as a virtual
   * thread never is, and a fast command never queues behind it; a native call (the embedding model's) would hold
   * a carrier for its whole length. Those a {@link #lightWhen} check finds light for their arguments run on the
   * connection's thread too, when no further request of the client is buffered: the hand-over to the pool and
   * back took two wake-ups a command. A fast command, or a light one, that would open a namespace or load a vector set
   * (reading files, replaying a log) stops where it meets that, having changed nothing, and runs again on the pool
   * ({@link dev.aeon.server.ServerContext#runCommandIfItOpensNothing}).
   */
  public static CommandTable standard(Executor compute) {
    CommandTable t = new CommandTable(compute);
    ConnectionCommands.register(t);
    ServerCommands.register(t);
    VectorSetCommands.register(t);
    MemCommands.register(t);
    return t;
  }

  /** Adds a command; {@code flags} as in Redis' COMMAND reply ("no-auth" lets it run before AUTH). */
  public void add(String name, int arity, List<String> flags, int firstKey, int lastKey, int step, Command handler) {
    if (name.length() > Args.LONGEST_NAME) {
      throw new IllegalArgumentException("command name longer than " + Args.LONGEST_NAME + " bytes: " + name);
    }
    if (byName.putIfAbsent(name, new CommandSpec(name, arity, flags, firstKey, lastKey, step, handler)) != null) {
      throw new IllegalStateException("command registered twice: " + name);
    }
  }

  /** Whether a command is light for its arguments ({@link #lightWhen}). */
  @FunctionalInterface
  public interface LightCheck {
    /**
     * The command as the check read it, if it is light for these arguments, or null if it is not. The check reads
     * the arguments with the command's own parser, to tell; it hands over what it read, so that the command run on
     * the connection's thread does not read them again.
     */
    Light ifLight(ClientSession client, Args args);
  }

  /**
   * A command found light: {@code namespace}, the one it writes to (it runs on the connection's thread only if that
   * namespace is open and has not failed), and {@code command}, the command with its arguments read already, run
   * there in place of its handler. If it stops there, having met what it leaves to the pool ({@link
   * dev.aeon.server.ServerContext#runCommandIfNamespaceOpen}), the pool runs the command's handler from its start,
   * arguments and all: what {@code command} holds may be part used.
   */
  public record Light(String namespace, Command command) {}

  /**
   * Lets command {@code name}, not flagged "fast", run on the connection's own thread when {@code light} finds its
   * arguments light and the namespace it names is open and has not failed (leased before the command runs, so that
   * it cannot be closed in between: {@link dev.aeon.server.ServerContext#runCommandIfNamespaceOpen}): no embedding, no
   * search, no namespace to open or recover, only what a fast command does plus a write, whose
   * wait for its forced write parks the connection's virtual thread and leaves its carrier to the others. Only a
   * command without a further request of its client buffered behind it (one sent alone, or a pipeline's last): a
   * pipeline of them run there would hold the carrier from every other client until its end, as a virtual thread is
   * never preempted; and only one whose arguments take at most {@link #LIGHT_MAX_ARGUMENT_BYTES}. {@code light} reads
   * the arguments from the start and may leave them anywhere; the command it returns runs in place of the handler
   * ({@link Light}), so that a light command reads its arguments once.
   */
  public void lightWhen(String name, LightCheck light) {
    if (!byName.containsKey(name) || byName.get(name).fast()) {
      throw new IllegalArgumentException("no command '" + name + "' that is not fast");
    }
    lightWhen.put(name, light);
  }

  /**
   * Sends fast command {@code name} to the pool always, not to its connection's thread, while it stays flagged fast
   * in COMMAND as in Redis: for one that could meet what it must leave to the pool (a set to load, a namespace to
   * open) only after it changed something, and so could not be run again on the pool from its start (UNLINK of
   * several keys); or one whose own work grows with what the server holds and would hold the carrier that long
   * (DBSIZE lists every namespace, UNLINK of one key removes every element of its set from the index).
   */
  public void alwaysOnThePool(String name) {
    if (!byName.containsKey(name) || !byName.get(name).fast()) {
      throw new IllegalArgumentException("no fast command '" + name + "'");
    }
    onThePool.add(name);
  }

  /**
   * Lets command {@code name}, not flagged "fast" (in COMMAND as in Redis), start on its connection's thread as a fast
   * one does, for the answers it gives from memory: it runs there until it calls {@link
   * dev.aeon.server.ServerContext#requireThePool} before the work that would hold the carrier (a search), or meets a
   * namespace to open or a vector set to load, and then runs again from its start on the pool. So VSIM and VRANDMEMBER
   * of a key known absent are answered on the connection's thread, as VCARD of it is. Only when {@code when} finds it
   * worth a try for the arguments (a key whose set is not in memory): one bound for the pool goes there at once, not
   * through the leases and the lock of a run begun and stopped. The handler must stop before it changes anything or
   * writes any of its reply.
   */
  public void startOnTheConnectionThread(String name, BiPredicate<ClientSession, Args> when) {
    if (!byName.containsKey(name) || byName.get(name).fast() || lightWhen.containsKey(name)) {
      throw new IllegalArgumentException("no command '" + name + "' that is neither fast nor light");
    }
    startedOnTheConnectionThread.put(name, when);
  }

  public CommandSpec get(String lowerCaseName) {
    return byName.get(lowerCaseName);
  }

  public Collection<CommandSpec> all() {
    return byName.values();
  }

  /** Runs one command and writes its one reply (an error reply when it fails). */
  public void dispatch(ClientSession client, byte[][] argv) throws IOException {
    RespWriter w = client.writer();
    Args args = new Args(argv);
    CommandSpec spec = byName.get(args.name());
    if (spec == null) {
      w.error(unknownCommand(args));
      return;
    }
    client.commandReceived(spec.name());
    if (!client.authenticated() && !spec.allowedWithoutAuth()) {
      w.error("NOAUTH Authentication required.");
      return;
    }
    if (!spec.arityMatches(argv.length)) {
      w.error("ERR wrong number of arguments for '" + spec.name() + "' command");
      return;
    }
    w.mark();
    try {
      run(spec, client, args);
    } catch (RuntimeException | Error e) {
      // An Error (a stack overflow, an assertion, memory run out) is this command's failure as an internal exception
      // is: its client is told and the server serves on; the command's allocations are gone once it has failed.
      if (!w.resetToMark()) { // the client has part of a reply that cannot be ended: it is disconnected
        String line = "command '" + spec.name() + "' failed after part of its reply was sent, so client "
            + client.id() + " is disconnected: " + e;
        if (clientErrorText(e) != null) {
          ServerLog.warn(line);
        } else {
          ServerLog.warn(line, e); // a defect: where it happened, once per process (ServerLog.warn says why)
        }
        throw new IOException("the reply of '" + spec.name() + "' failed after part of it was sent", e);
      }
      w.error(errorText(spec, e));
    }
  }

  private void run(CommandSpec spec, ClientSession client, Args args) throws IOException {
    int at = args.position();
    if (ranOnConnectionThread(spec, client, args)) {
      return;
    }
    args.position(at); // for a command that began on the connection's thread and met what it leaves to the pool
    RespWriter w = client.writer();
    if (!w.resetToMark()) { // a command left to the pool has written nothing: a defect, and the client disconnected
      // an Error, not an IllegalStateException, which clientErrorText takes for the client's mistake (the engine's
      // refusals are those): the dispatch logs a defect with its stack trace, which says where it is
      throw new AssertionError("command '" + spec.name() + "' was left to the pool after part of its reply was"
          + " sent");
    }
    client.server().onCommandOnPool();
    w.deferSending(true);
    try {
      CompletableFuture.runAsync(() -> {
        try {
          client.server().runCommand(spec.handler(), client, args);
        } catch (IOException e) {
          throw new CompletionException(e);
        }
      }, compute).join();
    } catch (CompletionException e) {
      switch (e.getCause()) {
        case IOException io -> throw io;
        case RuntimeException re -> throw re;
        case Error err -> throw err;
        case null, default -> throw e;
      }
    } finally {
      w.deferSending(false);
    }
    // What outgrew the buffer is sent by the connection once the command has ended (RespWriter.sendIfOverfull), when
    // the reply is known whole and which writes it waits for.
  }

  /**
   * Runs the command on the connection's thread if it may run there: a fast one unless {@link #alwaysOnThePool} says
   * otherwise, one started there ({@link #startOnTheConnectionThread}), a light one ({@link #lightWhen}) with its
   * namespace open; and only as far as it opens no namespace and loads no vector set. False if it is to run on the
   * pool, having changed nothing.
   */
  private boolean ranOnConnectionThread(CommandSpec spec, ClientSession client, Args args) throws IOException {
    if (spec.fast()) {
      return !onThePool.contains(spec.name())
          && client.server().runCommandIfItOpensNothing(spec.handler(), client, args);
    }
    if (startedOnTheConnectionThread(spec, client, args)) {
      return client.server().runCommandStartedOnTheConnectionThread(spec.handler(), client, args);
    }
    Light light = light(spec, client, args);
    // run on the connection's thread, its namespace open and leased all through, its arguments as the check read them
    return light != null
        && client.server().runCommandIfNamespaceOpen(light.namespace(), light.command(), client, args);
  }

  /** Whether {@code spec} is to start on the connection's thread for these arguments. */
  private boolean startedOnTheConnectionThread(CommandSpec spec, ClientSession client, Args args) {
    BiPredicate<ClientSession, Args> when = startedOnTheConnectionThread.get(spec.name());
    return when != null && checked(args, () -> when.test(client, args), false);
  }

  /**
   * The command {@code spec} found light for these arguments, to run on the connection's thread with its namespace
   * open, or null if it may not run there.
   */
  private Light light(CommandSpec spec, ClientSession client, Args args) {
    LightCheck light = lightWhen.get(spec.name());
    if (light == null || client.pipelined() || argumentBytes(args) > LIGHT_MAX_ARGUMENT_BYTES
        || !client.server().config().lightWritesOnConnectionThread()) {
      return null;
    }
    return checked(args, () -> light.ifLight(client, args), null);
  }

  /**
   * What {@code check} finds reading the arguments from where they are, which it may leave anywhere: they are put
   * back. {@code ifMalformed} if it throws: the command itself, on the pool, says what is wrong.
   */
  private static <T> T checked(Args args, Supplier<T> check, T ifMalformed) {
    int at = args.position();
    try {
      return check.get();
    } catch (RuntimeException malformed) {
      return ifMalformed;
    } finally {
      args.position(at);
    }
  }

  private static long argumentBytes(Args args) {
    long bytes = 0;
    for (int i = 0; i < args.size(); i++) {
      bytes += args.bytes(i).length;
    }
    return bytes;
  }

  /** The error reply; only a failure that is not the client's doing is logged, as an internal error. */
  private static String errorText(CommandSpec spec, Throwable e) {
    String text = clientErrorText(e);
    if (text != null) {
      return text;
    }
    // A defect: where it happened, once per process, not once per episode as a periodic task's failure: the
    // commands that succeed in between (other commands, other clients) say nothing of this one's defect.
    ServerLog.warn("command '" + spec.name() + "' failed: " + e, e);
    return "ERR internal error in '" + spec.name() + "': " + e;
  }

  /**
   * The error reply to a failure that is the client's doing (or the data's, or the disk's), or null for an internal
   * error; also the reply that replaces a pipelined write's whose log failed to make it durable ({@code
   * DurableReplies}), so that it reads as that of a write that waited for its own force.
   */
  public static String clientErrorText(Throwable e) {
    return switch (e) {
      case CommandError ce -> ce.getMessage();
      // the user's statement is wrong: say where and why, on one line (its multi-line form has a caret excerpt)
      case QueryException qe ->
          "ERR line " + qe.line() + ", column " + qe.column() + ": " + EngineWords.of(qe.reason());
      case IllegalArgumentException iae -> "ERR " + EngineWords.of(iae.getMessage());
      case IllegalStateException ise -> "ERR " + EngineWords.of(ise.getMessage());
      case UnsupportedOperationException uoe -> "ERR " + uoe.getMessage();
      case UncheckedIOException io -> "ERR I/O error: " + io.getMessage();
      case FileFormatException damaged -> "ERR namespace cannot be opened: " + damaged.getMessage(); // logged once
      default -> null;
    };
  }

  static String unknownCommand(Args args) {
    StringBuilder sb = new StringBuilder("ERR unknown command '").append(args.clipped(0))
        .append("', with args beginning with: ");
    for (int i = 1; i < args.size() && sb.length() < 256; i++) {
      sb.append('\'').append(args.clipped(i)).append("' ");
    }
    return sb.toString();
  }
}
