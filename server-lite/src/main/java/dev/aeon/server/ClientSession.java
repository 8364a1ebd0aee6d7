package dev.aeon.server;

import dev.aeon.engine.Aeon;
import dev.aeon.engine.Memory;
import dev.aeon.engine.Remember;
import dev.aeon.server.resp.RespWriter;

/**
 * The state of one client connection that commands read and change: protocol version (in the writer),
 * authentication, the selected namespace, the client's name.
 */
public final class ClientSession {

  private final long id;
  private final ServerContext server;
  private final RespWriter writer;
  private final String address;
  private volatile boolean authenticated;
  private volatile String namespace = Aeon.DEFAULT_NAMESPACE;
  private volatile String name = "";
  private volatile boolean quit;

  ClientSession(long id, ServerContext server, RespWriter writer, String address) {
    this.id = id;
    this.server = server;
    this.writer = writer;
    this.address = address;
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
