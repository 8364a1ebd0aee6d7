package dev.aeon.query.trace;

import java.util.Map;
import java.util.Objects;

/**
 * One event of the trace, as appended and as read back.
 *
 * @param id the engine-assigned id; ids must increase strictly in append order
 * @param session the session (conversation) the event belongs to, e.g. {@code conv-26}
 * @param role its role and label: user, assistant, system, tool, observation, summary or user-defined
 * @param tsMicros timestamp, epoch microseconds
 * @param blobRef reference of its text in the blob arena, resolved through {@link TextResolver}
 * @param vectorId id of its vector in the vector index, or {@link #NO_VECTOR}
 * @param attributes small attribute map: String, Long, Double, Boolean or {@link java.time.Instant} values
 */
public record Event(long id, String session, String role, long tsMicros, long blobRef, long vectorId,
    Map<String, Object> attributes) {

  public static final long NO_VECTOR = -1;

  /**
   * Makes a reader's own object of an event's fields, without this record between (a recall makes the API's
   * events of its results so: {@link Trace#get(long, Factory)}).
   */
  @FunctionalInterface
  public interface Factory<T> {
    /** The object for the event with these fields, or null to read it as absent. */
    T make(long id, String session, String role, long tsMicros, long blobRef, long vectorId,
        Map<String, Object> attributes);
  }

  public Event {
    Objects.requireNonNull(session, "session");
    Objects.requireNonNull(role, "role");
    attributes = attributes == null ? Map.of() : attributes;
  }

  /** An event without vector and attributes. */
  public static Event of(long id, String session, String role, long tsMicros, long blobRef) {
    return new Event(id, session, role, tsMicros, blobRef, NO_VECTOR, Map.of());
  }

  public boolean hasVector() {
    return vectorId != NO_VECTOR;
  }
}
