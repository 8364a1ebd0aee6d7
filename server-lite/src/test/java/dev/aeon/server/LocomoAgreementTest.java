package dev.aeon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aeon.embed.OnnxTextEmbedder;
import dev.aeon.engine.Aeon;
import dev.aeon.engine.AeonOptions;
import dev.aeon.engine.Durability;
import dev.aeon.engine.Event;
import dev.aeon.engine.Memory;
import dev.aeon.engine.Recall;
import dev.aeon.engine.Recalled;
import dev.aeon.engine.Remember;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real conversation (the first three sessions of LoCoMo's conv-26, read from {@code ../shared/data/locomo}, and the
 * questions whose evidence lies in them) remembered turn by turn through the server ({@code MEM.ADD} with text, the
 * speaker as role, the session's date as time, the dialogue id as an attribute) and in process ({@link Aeon#open} with
 * the same model) gives the same events, and every question recalled by text the same events in the same order with
 * the same scores. Skipped where the data is not there (it is never part of the repository).
 */
class LocomoAgreementTest {

  @RegisterExtension static final SharedServer server = SharedServer.withEmbedder();

  private static final Path DATA = Path.of("shared", "data", "locomo", "locomo-dev.json");
  private static final DateTimeFormatter SESSION_DATE = new DateTimeFormatterBuilder().parseCaseInsensitive()
      .appendPattern("h:mm a 'on' d MMMM, yyyy").toFormatter(Locale.ENGLISH);
  private static final Pattern EVIDENCE = Pattern.compile("D:?(\\d+):(\\d+)");
  private static final int SESSIONS = 3;

  private record Turn(String session, String speaker, String text, long at, String diaId) {}

  private record Question(String text, Set<String> evidence) {}

  @Test
  void theServerRemembersAndRecallsAConversationAsTheEngineInProcessDoes(@TempDir Path dir) throws Exception {
    Path file = locomo();
    assumeTrue(file != null, "LoCoMo is not in shared/data/locomo above the working directory");
    JsonNode conversation = null;
    for (JsonNode c : new ObjectMapper().readTree(file.toFile())) {
      if (c.path("sample_id").asText().equals("conv-26")) {
        conversation = c;
      }
    }
    assumeTrue(conversation != null, "conv-26 is not in " + file);
    List<Turn> turns = turns(conversation.path("conversation"));
    List<Question> questions = questions(conversation.path("qa"));
    assertEquals(58, turns.size());
    assertEquals(25, questions.size());

    try (OnnxTextEmbedder embedder = OnnxTextEmbedder.open();
         Aeon aeon = Aeon.open(dir, AeonOptions.defaults().withDurability(Durability.ASYNC).withEmbedder(embedder));
         RespClient c = server.resp3("conv-26")) {
      Memory m = aeon.namespace("conv-26");
      for (Turn t : turns) {
        String attributes = "{\"dia_id\":\"" + t.diaId() + "\"}";
        Object id = c.call("MEM.ADD", t.session(), t.speaker(), t.text(), "AT", t.at(), "ATTRS", attributes);
        assertEquals(m.remember(Remember.event(t.session(), t.speaker(), t.text()).at(t.at())
            .attribute("dia_id", t.diaId())), id, t.diaId());
      }
      for (long id = 1; id <= turns.size(); id++) {
        Event e = m.get(id).orElseThrow();
        assertEquals(Map.of("id", id, "session", e.session(), "role", e.role(), "timestamp", e.timestampMicros(),
            "text", e.text(), "has_vector", true, "attributes", e.attributes()), c.call("MEM.GET", id));
      }
      int evidenceFound = 0;
      for (Question question : questions) {
        String q = question.text();
        List<?> overTheWire = (List<?>) c.call("MEM.RECALL", "TEXT", q, "COUNT", 10);
        List<Recalled> inProcess = m.recall(Recall.text(q, 10));
        assertEquals(inProcess.size(), overTheWire.size(), q);
        for (int i = 0; i < inProcess.size(); i++) {
          Map<?, ?> hit = (Map<?, ?>) overTheWire.get(i);
          assertEquals(inProcess.get(i).event().id(), hit.get("id"), q + ", rank " + i);
          assertEquals(inProcess.get(i).score(), ((RespClient.Dbl) hit.get("score")).value(), 1e-6, q + ", rank " + i);
        }
        evidenceFound += inProcess.stream().anyMatch(r -> question.evidence().contains(r.event().attributes()
            .get("dia_id"))) ? 1 : 0;
      }
      // What all-MiniLM-L6-v2 finds for the 25 questions among the 58 turns as said (without date or speaker in the
      // text)
      assertEquals(13, evidenceFound, "questions with an evidence turn in the top 10");
    }
  }

  /** {@link #DATA} under the working directory's parent or a folder further up, or null. */
  private static Path locomo() {
    for (Path d = Path.of("").toAbsolutePath().getParent(); d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve(DATA))) {
        return d.resolve(DATA);
      }
    }
    return null;
  }

  /** The turns of the first {@link #SESSIONS} sessions, one second apart from their session's date (read as UTC). */
  private static List<Turn> turns(JsonNode conversation) {
    List<Turn> turns = new ArrayList<>();
    for (int s = 1; s <= SESSIONS; s++) {
      long start = LocalDateTime.parse(conversation.path("session_" + s + "_date_time").asText(), SESSION_DATE)
          .toEpochSecond(ZoneOffset.UTC) * 1_000_000L;
      int i = 0;
      for (JsonNode t : conversation.path("session_" + s)) {
        turns.add(new Turn("session_" + s, t.path("speaker").asText(), t.path("text").asText(),
            start + 1_000_000L * i++,
            t.path("dia_id").asText()));
      }
    }
    return turns;
  }

  /**
   * The questions whose evidence lies in the first {@link #SESSIONS} sessions, with their evidence's dialogue ids (as
   * "D1:3": LoCoMo also writes "D:1:3", and several ids in one string).
   */
  private static List<Question> questions(JsonNode qa) {
    List<Question> questions = new ArrayList<>();
    for (JsonNode q : qa) {
      Set<String> evidence = new TreeSet<>();
      boolean inside = true;
      for (JsonNode e : q.path("evidence")) {
        Matcher m = EVIDENCE.matcher(e.asText());
        while (m.find()) {
          evidence.add("D" + m.group(1) + ":" + m.group(2));
          inside &= Integer.parseInt(m.group(1)) <= SESSIONS;
        }
      }
      if (inside && !evidence.isEmpty()) {
        questions.add(new Question(q.path("question").asText(), evidence));
      }
    }
    return questions;
  }
}
