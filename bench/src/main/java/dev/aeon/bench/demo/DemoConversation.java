package dev.aeon.bench.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The conversation that ships for the demo (module {@code embed}, resources
 * {@code dev/aeon/embed/demo-conversation.jsonl} and {@code demo-questions.json}): Maya and an assistant over
 * 19 sessions from January to July 2025 (a move from Berlin to Lisbon, a new job, a dog, a trip), with facts
 * that change on the way, and questions whose evidence turns are known.
 */
public record DemoConversation(List<Turn> turns, List<Question> questions) {

  static final String TURNS_RESOURCE = "/dev/aeon/embed/demo-conversation.jsonl";
  static final String QUESTIONS_RESOURCE = "/dev/aeon/embed/demo-questions.json";

  /** One turn: id "S<session>:<turn>", session name, time, role (user or assistant), text. */
  public record Turn(String id, String session, Instant time, String role, String text) {}

  /** A question, the answer a reader would give, and the ids of the turns that hold the evidence. */
  public record Question(String text, String answer, List<String> evidence) {}

  public static DemoConversation load() {
    ObjectMapper json = new ObjectMapper();
    List<Turn> turns = new ArrayList<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(open(TURNS_RESOURCE), StandardCharsets.UTF_8))) {
      String line;
      int lineNo = 0;
      while ((line = in.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        JsonNode t = json.readTree(line);
        turns.add(new Turn(required(t, "id", lineNo), required(t, "session", lineNo),
            Instant.parse(required(t, "time", lineNo)), required(t, "role", lineNo), required(t, "text", lineNo)));
      }
      List<Question> questions = new ArrayList<>();
      for (JsonNode q : json.readTree(open(QUESTIONS_RESOURCE))) {
        List<String> evidence = new ArrayList<>();
        q.path("evidence").forEach(e -> evidence.add(e.asText()));
        questions.add(new Question(q.path("question").asText(), q.path("answer").asText(), List.copyOf(evidence)));
      }
      return new DemoConversation(List.copyOf(turns), List.copyOf(questions));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the demo conversation", e);
    }
  }

  /** Turns by id. */
  public Map<String, Turn> byId() {
    Map<String, Turn> map = new HashMap<>();
    turns.forEach(t -> map.put(t.id(), t));
    return map;
  }

  private static InputStream open(String resource) {
    InputStream in = DemoConversation.class.getResourceAsStream(resource);
    if (in == null) {
      throw new IllegalStateException(resource + " is not on the classpath (it ships in module embed)");
    }
    return in;
  }

  private static String required(JsonNode node, String field, int line) throws IOException {
    JsonNode v = node.get(field);
    if (v == null || !v.isTextual()) {
      throw new IOException(TURNS_RESOURCE + " line " + line + ": missing text field '" + field + "'");
    }
    return v.asText();
  }
}
