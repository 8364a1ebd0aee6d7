package dev.aeon.engine;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One namespace: WAL + Atlas + Trace + blob arena + SLB. Under construction: the API is fixed first. */
final class DurableMemory implements Memory, AutoCloseable {

  private final String name;

  private DurableMemory(String name) {
    this.name = name;
  }

  static DurableMemory open(String name, Path dir, AeonOptions options) {
    throw new UnsupportedOperationException("the engine is being built (issue 5)");
  }

  @Override public String name() { return name; }
  @Override public long remember(Remember event) { throw todo(); }
  @Override public void link(long from, String type, long to, long validFromMicros, long validToMicros) { throw todo(); }
  @Override public void invalidate(long from, String type, long to, long atMicros) { throw todo(); }
  @Override public List<Recalled> recall(Recall recall) { throw todo(); }
  @Override public Optional<Event> get(long id) { throw todo(); }
  @Override public List<Event> history(String session, int limit) { throw todo(); }
  @Override public QueryResult query(String statement, Map<String, Object> parameters) { throw todo(); }
  @Override public void setAttributes(long id, Map<String, Object> attributes) { throw todo(); }
  @Override public boolean forget(long id) { throw todo(); }
  @Override public int forgetSession(String session) { throw todo(); }
  @Override public void checkpoint() { throw todo(); }
  @Override public void compact() { throw todo(); }
  @Override public MemoryStats stats() { throw todo(); }
  @Override public void close() {}

  private static UnsupportedOperationException todo() {
    return new UnsupportedOperationException("the engine is being built (issue 5)");
  }
}
