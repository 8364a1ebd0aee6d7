package dev.aeon.engine;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.aeon.index.atlas.AtlasIndex;
import dev.aeon.query.trace.Edge;
import dev.aeon.query.trace.TraceGraph;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.Optional;
import org.agrona.collections.LongHashSet;

/**
 * A namespace written as JSON lines, one value per line: a header, then every live event in the order it was
 * remembered, then every link between live events in the order it was added (but for those valid at no time),
 * then an end line with their
 * counts, so that a file cut between two lines is told from a whole one (docs/durability.md, "Export and import";
 * {@link NamespaceImport} reads it back; version 1 had no end line). Vectors are the index's, at unit length;
 * attribute values keep their types (an integer is written without a fraction, a double with one, NaN and the
 * infinities as the bare words {@code NaN}, {@code Infinity}, {@code -Infinity}, which is not strict JSON).
 */
final class NamespaceExport {

  static final String FORMAT = "aeon-export";
  static final int VERSION = 2;
  /** The version that added the end line. */
  static final int FIRST_WITH_END = 2;
  static final JsonMapper JSON = JsonMapper.builder()
      .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS) // NaN as a string would come back as the text "NaN"
      .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  private NamespaceExport() {}

  /**
   * Writes the namespace to {@code out}; the caller holds its writers back. {@code idLimit}: no event id
   * is at or above it.
   */
  static ExportCounts write(String namespace, String model, Reads reads, AtlasIndex atlas, TraceGraph graph,
      long idLimit, OutputStream out, TransferProgress progress) throws IOException {
    long events = graph.liveCount();
    LongHashSet live = new LongHashSet(); // the events written: a link's ends are checked against them
    long links = 0;
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.setRootValueSeparator(null);
      g.writeStartObject();
      g.writeStringField("format", FORMAT);
      g.writeNumberField("version", VERSION);
      g.writeStringField("namespace", namespace);
      g.writeStringField("embedding_model", model);
      g.writeNumberField("dimension", atlas == null ? 0 : atlas.dimension());
      g.writeEndObject();
      g.writeRaw('\n');
      for (long id = 1; id < idLimit; id++) {
        Optional<Event> found = reads.get(id);
        if (found.isEmpty()) {
          continue;
        }
        writeEvent(g, found.get(), found.get().hasVector() ? atlas.vector(id) : null);
        live.add(id);
        progress.report(TransferProgress.Step.EVENTS, live.size(), events);
      }
      for (int e = 0, n = graph.edgeCount(); e < n; e++) {
        progress.report(TransferProgress.Step.LINKS, e + 1, n);
        Edge edge = graph.edge(e);
        if (!live.contains(edge.from()) || !live.contains(edge.to())) {
          continue; // a link of a forgotten event went with it
        }
        if (edge.validFrom() >= edge.validTo()) {
          continue; // ended at or before its start (invalidations were not checked against it before): never valid
        }
        g.writeStartObject();
        g.writeStringField("link", edge.type());
        g.writeNumberField("from", edge.from());
        g.writeNumberField("to", edge.to());
        g.writeNumberField("valid_from", edge.validFrom());
        g.writeNumberField("valid_to", edge.validTo());
        g.writeEndObject();
        g.writeRaw('\n');
        links++;
      }
      g.writeStartObject();
      g.writeNumberField("end_events", live.size());
      g.writeNumberField("end_links", links);
      g.writeEndObject();
      g.writeRaw('\n');
    }
    return new ExportCounts(live.size(), links);
  }

  private static void writeEvent(JsonGenerator g, Event e, float[] vector) throws IOException {
    g.writeStartObject();
    g.writeNumberField("id", e.id());
    g.writeStringField("session", e.session());
    g.writeStringField("role", e.role());
    g.writeNumberField("at", e.timestampMicros());
    g.writeStringField("text", e.text());
    g.writeObjectFieldStart("attributes");
    for (Map.Entry<String, Object> a : e.attributes().entrySet()) {
      g.writeFieldName(a.getKey());
      switch (a.getValue()) {
        case String s -> g.writeString(s);
        case Long l -> g.writeNumber(l);
        case Double d -> g.writeNumber(d);
        case Boolean b -> g.writeBoolean(b);
        default -> throw new IllegalStateException("attribute '" + a.getKey() + "' of event " + e.id()
            + " has an unexpected type " + a.getValue().getClass().getSimpleName());
      }
    }
    g.writeEndObject();
    if (vector != null) {
      g.writeArrayFieldStart("vector");
      for (float x : vector) {
        g.writeNumber(x);
      }
      g.writeEndArray();
    }
    g.writeEndObject();
    g.writeRaw('\n');
  }
}
