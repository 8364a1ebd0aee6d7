package dev.aeon.engine;

import dev.aeon.common.JavaValues;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A similarity question: a query vector (or text, with an embedder), how many results, and filters.
 * E.g. {@code Recall.vector(q, 10).session("conv-26").roles("user").between(from, to)}.
 */
public final class Recall {

  final float[] vector;
  /** The model that made {@link #vector}, or null when the caller does not say. */
  final String model;
  final String text;
  final int k;
  String session;
  Set<String> roles = Set.of();
  long fromMicros = Long.MIN_VALUE;
  long toMicros = Long.MAX_VALUE;
  final Map<String, Object> attributes = new LinkedHashMap<>();
  int nprobe;          // 0: the index's default
  double targetRecall; // 0: none (the index's default nprobe)
  boolean useSlb = true;

  private Recall(float[] vector, String model, String text, int k) {
    if (k <= 0) {
      throw new IllegalArgumentException("k must be positive, got " + k);
    }
    this.vector = vector;
    this.model = model;
    this.text = text;
    this.k = k;
  }

  /** A query vector taken on the caller's word to be comparable with the namespace's vectors. */
  public static Recall vector(float[] query, int k) {
    return new Recall(Objects.requireNonNull(query, "query"), null, null, k);
  }

  /**
   * A query vector and the embedding model that made it (null when not known): refused by a namespace that
   * recorded another ({@link Remember#vector(float[], String)}).
   */
  public static Recall vector(float[] query, String model, int k) {
    if (model != null) {
      EmbeddingModel.checkName(model);
    }
    return new Recall(Objects.requireNonNull(query, "query"), model, null, k);
  }

  /**
   * Needs an embedder in the options; the query is of its model.
   *
   * @throws IllegalArgumentException if the text holds an unpaired surrogate, which is not text (the tokenizer
   *     drops it without a word: "ab", a lone low surrogate, "cd" would be embedded as "abcd"), as for
   *     {@link Remember}
   */
  public static Recall text(String query, int k) {
    return new Recall(null, null, Inputs.text("a recall's query text", Objects.requireNonNull(query, "query")), k);
  }

  /** Only events of this session (null: any). */
  public Recall session(String session) {
    if (session != null && session.isEmpty()) {
      throw new IllegalArgumentException("session must not be empty (null: any session)");
    }
    this.session = session;
    return this;
  }

  /** Only events with one of these roles (none given: any). */
  public Recall roles(String... roles) {
    Objects.requireNonNull(roles, "roles");
    for (String role : roles) {
      Objects.requireNonNull(role, "roles holds a null");
    }
    this.roles = Set.copyOf(java.util.Arrays.asList(roles)); // a role named twice is still one role
    return this;
  }

  /** Only events with from <= ts <= to (epoch microseconds). */
  public Recall between(long fromMicros, long toMicros) {
    if (fromMicros > toMicros) {
      throw new IllegalArgumentException("between(" + fromMicros + ", " + toMicros + "): from is after to");
    }
    this.fromMicros = fromMicros;
    this.toMicros = toMicros;
    return this;
  }

  /**
   * Only events whose attribute equals the value: of a type attributes take (String, Boolean, Long, Integer,
   * Short, Byte, Double, Float), numbers compared by value (3 matches 3L and 3.0). A null value matches the
   * events that lack the attribute.
   */
  public Recall where(String attribute, Object value) {
    Objects.requireNonNull(attribute, "attribute");
    Object wanted = switch (value) {
      case null -> null;
      case String s -> s;
      case Boolean b -> b;
      case Long l -> l;
      case Integer i -> (long) i;
      case Short s -> (long) s;
      case Byte b -> (long) b;
      case Double d when d.isNaN() -> throw nanEqualsNothing(attribute);
      case Double d -> d;
      case Float f when f.isNaN() -> throw nanEqualsNothing(attribute);
      case Float f -> JavaValues.decimal(f);
      // a BigInteger or BigDecimal would compare as a double, so inexactly; no attribute holds one
      default -> throw new IllegalArgumentException("where('" + attribute + "'): a " + JavaValues.typeName(value)
          + " never equals a stored attribute (use String, Boolean, Long, Integer, Short, Byte, Double or Float)");
    };
    attributes.put(attribute, wanted);
    return this;
  }

  private static IllegalArgumentException nanEqualsNothing(String attribute) {
    return new IllegalArgumentException("where('" + attribute + "'): NaN equals nothing, not even NaN");
  }

  /**
   * Leaves of the index to scan (0: the default, 48); more when they hold fewer than k events that pass the
   * filters and more exist.
   */
  public Recall nprobe(int nprobe) {
    if (nprobe < 0) {
      throw new IllegalArgumentException("nprobe must not be negative, got " + nprobe);
    }
    this.nprobe = nprobe;
    return this;
  }

  /**
   * Let the index choose how many leaves to scan for this recall@10 (in (0, 1]), from a calibration it
   * measures on a sample of its own vectors on first use (and again after it grew or shrank by a
   * quarter). An explicit {@link #nprobe} wins.
   */
  public Recall targetRecall(double recall) {
    if (!(recall > 0 && recall <= 1)) {
      throw new IllegalArgumentException("target recall must be in (0, 1], got " + recall);
    }
    this.targetRecall = recall;
    return this;
  }

  /** Whether the semantic lookaside buffer may be used (default true). */
  public Recall slb(boolean useSlb) {
    this.useSlb = useSlb;
    return this;
  }

  /** True when no filter but the session (and no search parameter) is set: what the lookaside buffer serves. */
  boolean filtersOnlyBySession() {
    return roles.isEmpty() && fromMicros == Long.MIN_VALUE && toMicros == Long.MAX_VALUE && attributes.isEmpty()
        && nprobe == 0 && targetRecall == 0;
  }
}
