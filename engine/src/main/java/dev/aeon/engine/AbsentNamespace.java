package dev.aeon.engine;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A namespace that does not exist, read without creating it ({@link Aeon#reader}): it answers as an empty
 * namespace would. Its reads go to an empty namespace that no one writes ({@code empty}), so that they check
 * their arguments and answer exactly as a new namespace does, queries included; the writes that need an
 * existing event fail as they would there, those that find nothing to do do nothing, and {@link #remember}
 * is refused, since only {@link Aeon#namespace} creates a namespace. Every call is refused once the Aeon is
 * closed, as a namespace's are.
 */
final class AbsentNamespace implements Memory {

  private final String name;
  private final Supplier<Memory> empty;
  /** Throws once the Aeon is closed: for the calls that answer without the empty namespace. */
  private final Runnable checkOpen;

  AbsentNamespace(String name, Supplier<Memory> empty, Runnable checkOpen) {
    this.name = name;
    this.empty = empty;
    this.checkOpen = checkOpen;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public long remember(Remember event) {
    Objects.requireNonNull(event, "event");
    checkOpen.run();
    throw new IllegalStateException("namespace '" + name + "' does not exist, and a reader does not create it:"
        + " Aeon.namespace(\"" + name + "\") does");
  }

  @Override
  public List<Long> rememberAll(List<Remember> events) {
    Objects.requireNonNull(events, "events");
    checkOpen.run();
    throw new IllegalStateException("namespace '" + name + "' does not exist, and a reader does not create it:"
        + " Aeon.namespace(\"" + name + "\") does");
  }

  @Override
  public void link(long from, String type, long to, long validFromMicros, long validToMicros) {
    checkOpen.run();
    Inputs.link(type, validFromMicros, validToMicros);
    throw Inputs.noEvent(from, name);
  }

  @Override
  public int invalidate(long from, String type, long to, long atMicros) {
    checkOpen.run();
    Inputs.invalidation(type, atMicros);
    throw Inputs.noEvent(from, name);
  }

  @Override
  public void setAttributes(long id, Map<String, Object> attributes) {
    checkOpen.run();
    Inputs.attributeChanges(Objects.requireNonNull(attributes, "attributes"));
    throw Inputs.noEvent(id, name);
  }

  @Override
  public boolean forget(long id) {
    checkOpen.run();
    return false;
  }

  @Override
  public int forgetSession(String session) {
    Objects.requireNonNull(session, "session");
    checkOpen.run();
    Inputs.name("session", session);
    return 0;
  }

  @Override
  public void checkpoint() {
    checkOpen.run(); // and nothing to write
  }

  @Override
  public void compact() {
    checkOpen.run();
  }

  @Override
  public List<Recalled> recall(Recall recall) {
    return empty.get().recall(recall);
  }

  @Override
  public Optional<Event> get(long id) {
    return empty.get().get(id);
  }

  @Override
  public List<Event> history(String session, int limit) {
    return empty.get().history(session, limit);
  }

  @Override
  public SessionPage sessions(long cursor, int limit) {
    return empty.get().sessions(cursor, limit);
  }

  @Override
  public QueryResult query(String statement, Map<String, Object> parameters) {
    return empty.get().query(statement, parameters);
  }

  /** Never closed: it holds nothing, and its reads are refused only once the Aeon is closed. */
  @Override
  public boolean closedCleanly() {
    return false;
  }

  @Override
  public MemoryStats stats() {
    checkOpen.run();
    return new MemoryStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, CheckpointPause.NONE, 0, null, 0, 0,
        LogFlusherStats.NONE, 0);
  }
}
