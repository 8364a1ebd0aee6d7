package dev.aeon.engine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What to remember: built fluently, e.g.
 * {@code Remember.event("s1", "user", "I moved to Lisbon").vector(v).attribute("topic", "home")}.
 * {@link Memory#remember} checks it (the README lists the limits) before anything is logged.
 */
public final class Remember {

  /** The longest session, role or link type, in bytes of UTF-8. */
  public static final int MAX_NAME_BYTES = 1024;

  /** A link to add from the new event to an existing one. */
  public record Link(String type, long target) {}

  /** A link to add from the new event to another event of its {@link Memory#rememberAll} batch. */
  record BatchLink(String type, Remember target) {}

  final String session;
  final String role;
  final String text;
  float[] vector;
  /** The model that made {@link #vector}, or null when the caller does not say. */
  String model;
  /** False after {@link #withoutVector}: the engine does not embed the text either. */
  boolean embed = true;
  /** Null until {@link #at} is called: the time of the call to remember. */
  Long timestampMicros;
  final Map<String, Object> attributes = new LinkedHashMap<>();
  final List<Link> links = new ArrayList<>();
  final List<BatchLink> batchLinks = new ArrayList<>();
  /**
   * True for an event an import restores: its attributes may have the names of an event's own properties
   * ({@link Inputs#attributes}), which a namespace written before those names were refused can hold.
   */
  boolean restored;

  private Remember(String session, String role, String text) {
    this.session = Objects.requireNonNull(session, "session");
    this.role = Objects.requireNonNull(role, "role");
    this.text = Objects.requireNonNull(text, "text");
  }

  public static Remember event(String session, String role, String text) {
    return new Remember(session, role, text);
  }

  /**
   * The event's embedding; without one the engine embeds the text if it has an embedder. A vector given
   * without its model is taken on the caller's word to be comparable with the namespace's others.
   */
  public Remember vector(float[] vector) {
    this.vector = Objects.requireNonNull(vector, "vector (for none, withoutVector())");
    this.model = null;
    this.embed = true;
    return this;
  }

  /**
   * The event gets no vector, even where the engine has an embedder: recall never finds it, while history
   * and queries do (a tool's output, say, or an event imported without one).
   */
  public Remember withoutVector() {
    this.vector = null;
    this.model = null;
    this.embed = false;
    return this;
  }

  /**
   * The event's embedding and the embedding model that made it ({@link dev.aeon.common.TextEmbedder#model()};
   * null when not known): the namespace records the first model it meets and refuses vectors of another.
   */
  public Remember vector(float[] vector, String model) {
    if (model != null) {
      EmbeddingModel.checkName(model);
    }
    this.vector = Objects.requireNonNull(vector, "vector");
    this.model = model;
    this.embed = true;
    return this;
  }

  /** When the event happened, in microseconds since the epoch (before 1970 too); default: the time of the call. */
  public Remember at(long timestampMicros) {
    this.timestampMicros = timestampMicros;
    return this;
  }

  /**
   * A String, Long/Integer/Short/Byte, Double/Float or Boolean attribute. Integers are stored as Long; a Float
   * as the Double of the decimal it was written as (0.1f as 0.1, which a filter or query for 0.1 then finds). The
   * names of an event's own properties in queries ({@code id}, {@code session}, {@code role}, {@code ts},
   * {@code text}, {@code vector_id}) are refused by remember: a query would read the property.
   */
  public Remember attribute(String name, Object value) {
    attributes.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
    return this;
  }

  /** A link from the new event to the event {@code target}, which must be live when the event is remembered. */
  public Remember link(String type, long target) {
    links.add(new Link(Objects.requireNonNull(type, "type"), target));
    return this;
  }

  /**
   * A link from the new event to {@code target}, another event of the same {@link Memory#rememberAll} batch (before
   * or after it in the batch; a document's chunk to the chunk before it, say): ids are given under the write lock,
   * so a caller cannot name them beforehand. The batch links the two once it has given them their ids, in the same
   * log record, so a crash leaves both events and the link or none of them. {@link Memory#remember} refuses an event
   * with such a link, and {@code rememberAll} one whose {@code target} is not in the batch or is in it twice.
   */
  public Remember link(String type, Remember target) {
    batchLinks.add(new BatchLink(Objects.requireNonNull(type, "type"), Objects.requireNonNull(target, "target")));
    return this;
  }
}
