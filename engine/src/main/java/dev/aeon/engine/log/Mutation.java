package dev.aeon.engine.log;

import java.util.List;
import java.util.Map;

/**
 * One change to a memory, as logged before it is applied. Replaying the same mutation twice must leave
 * the memory as replaying it once: the engine checks each component's state before applying.
 */
public sealed interface Mutation {

  /** A new event; {@code vector} may be null. */
  record RememberEvent(long id, String session, String role, long tsMicros, String text, float[] vector,
      Map<String, Object> attributes, List<LinkTo> links) implements Mutation {}

  /**
   * New events remembered at once ({@code Memory.rememberAll}): one log record, so that a crash leaves all of them
   * or none. Their ids follow each other, the first first.
   */
  record RememberBatch(List<RememberEvent> events) implements Mutation {
    public RememberBatch {
      events = List.copyOf(events);
    }
  }

  /** A link from the new event, logged with it. */
  record LinkTo(String type, long target) {}

  record AddLink(long from, String type, long to, long validFromMicros, long validToMicros) implements Mutation {}

  record Invalidate(long from, String type, long to, long atMicros) implements Mutation {}

  record SetAttributes(long id, Map<String, Object> attributes) implements Mutation {}

  record ForgetEvent(long id) implements Mutation {}

  record ForgetSession(String session) implements Mutation {}
}
