package dev.aeon.server;

import dev.aeon.engine.Aeon;
import dev.aeon.engine.DeferredDurability;
import dev.aeon.engine.Memory;
import dev.aeon.engine.Remember;
import dev.aeon.server.resp.RespWriter;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The state of one client connection that commands read and change: protocol version (in the writer),
 * authentication, the selected namespace, the client's name and library; and what {@code CLIENT LIST} shows of
 * it to other connections (its age, its last command and when it came).
 */
public final class ClientSession {

  private final long id;
  private final ServerContext server;
  private final RespWriter writer;
  /** Where its replies wait for the writes of their commands to be durable. */
  private final DurableReplies replies;
  private final String address;
  private final String localAddress;
  private final long connectedNanos = System.nanoTime();
  private volatile long lastCommandNanos = connectedNanos;
  private volatile String lastCommand = "NULL"; // as Redis shows a client that has sent no command yet
  private volatile String libraryName = "";
  private volatile String libraryVersion = "";
  /** Closes the connection at once, dropping replies not yet sent (set by the connection). */
  private volatile Runnable disconnect = () -> { };
  private volatile boolean authenticated;
  private volatile String namespace = Aeon.DEFAULT_NAMESPACE;
  private volatile String name = "";
  private volatile boolean quit;
  /** A further request is buffered behind the running command: its writes need not wait before it returns. */
  private volatile boolean pipelined;

  ClientSession(long id, ServerContext server, RespWriter writer, DurableReplies replies, String address,
      String localAddress) {
    this.id = id;
    this.server = server;
    this.writer = writer;
    this.replies = replies;
    this.address = address;
    this.localAddress = localAddress;
    this.authenticated = !server.passwordRequired();
  }

  public long id() {
    return id;
  }

  public ServerContext server() {
    return server;
  }

  public RespWriter writer() {
    return writer;
  }

  public String address() {
    return address;
  }

  public String localAddress() {
    return localAddress;
  }

  /** Whole seconds since the client connected. */
  public long ageSeconds() {
    return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - connectedNanos);
  }

  /** Notes that the client sent the command {@code name} (lower case), for {@link #describe()}. */
  public void commandReceived(String name) {
    lastCommand = name;
    lastCommandNanos = System.nanoTime();
  }

  /** The library the client says it is ({@code CLIENT SETINFO LIB-NAME}). */
  public void libraryName(String name) {
    libraryName = name;
  }

  /** The version of that library ({@code CLIENT SETINFO LIB-VER}). */
  public void libraryVersion(String version) {
    libraryVersion = version;
  }

  /**
   * One line of {@code CLIENT LIST} and {@code CLIENT INFO}, with the fields of Redis' line that mean something
   * here ({@code db} is the selected namespace's name, where Redis has a number).
   */
  public String describe() {
    return "id=" + id + " addr=" + address + " laddr=" + localAddress + " name=" + name + " age=" + ageSeconds()
        + " idle=" + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - lastCommandNanos) + " db=" + namespace
        + " cmd=" + lastCommand + " user=default resp=" + writer.protocol() + " lib-name=" + libraryName
        + " lib-ver=" + libraryVersion;
  }

  /**
   * The writes of the command running now that its reply waits for, rather than each for itself ({@link
   * ServerContext#runCommand}).
   */
  DeferredDurability writes() {
    return replies.runningCommandWrites();
  }

  /** Whether a further request of the client is buffered behind the command about to run. */
  void pipelined(boolean more) {
    pipelined = more;
  }

  /**
   * Whether a further request of the client was buffered behind the running command when it started: its writes then
   * do not wait for their forces, and it does not run on the connection's thread ({@link
   * dev.aeon.server.command.CommandTable#lightWhen}).
   */
  public boolean pipelined() {
    return pipelined;
  }

  void onDisconnect(Runnable r) {
    disconnect = r;
  }

  /**
   * Closes the connection now, as {@code CLIENT KILL} does to another client: its replies not yet sent are lost, and
   * the commands it sent after the one running, which the connection may hold already, are not run.
   */
  public void disconnect() {
    quit = true;
    disconnect.run();
  }

  public boolean authenticated() {
    return authenticated;
  }

  public void authenticated(boolean v) {
    authenticated = v;
  }

  public String namespace() {
    return namespace;
  }

  public void namespace(String ns) {
    namespace = ns;
  }

  /**
   * The selected namespace, for a command that adds no event: one that does not exist is read as empty, and not
   * created ({@link ServerContext#existingMemory}).
   */
  public Memory memory() {
    return server.existingMemory(namespace);
  }

  /**
   * The selected namespace to remember {@code event} in, created if it does not exist and the event passes the
   * checks that need no namespace ({@link ServerContext#memoryToRemember}).
   */
  public Memory memoryToRemember(Remember event) {
    return server.memoryToRemember(namespace, event);
  }

  /** {@link #memoryToRemember(Remember)} for the events of one batch. */
  public Memory memoryToRemember(List<Remember> events) {
    return server.memoryToRemember(namespace, events);
  }

  public String name() {
    return name;
  }

  public void name(String n) {
    name = n;
  }

  /** Asks the connection to close once the current reply is sent (QUIT). */
  public void quit() {
    quit = true;
  }

  boolean quitRequested() {
    return quit;
  }
}
