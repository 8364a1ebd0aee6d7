package dev.aeon.bench.locomo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a LoCoMo file (a JSON list of conversations with their questions, the format of
 * {@code locomo10.json}) into {@link Conversation}s.
 *
 * <p>Evidence ids are normalised where the data set has obvious typos ("D:11:26" for "D11:26", two ids in
 * one string separated by ";"); ids that still name no turn are dropped and counted in
 * {@link Conversation#unresolvedEvidence()}, and a question left without evidence is kept out of
 * {@link Conversation#questions()} (counted in {@link Conversation#questionsWithoutEvidence()}), so a
 * report can say exactly what it scored.
 */
public final class LocomoData {

  /** Where the data set is, below the repository's parent or a folder further up. */
  private static final Path DEFAULT_FILE = Path.of("shared", "data", "locomo", "locomo-dev.json");

  /** {@code ../shared/data/locomo/locomo-dev.json} from the repository root, or the same under a further parent. */
  public static Path defaultFile() {
    for (Path dir = Path.of("").toAbsolutePath().getParent(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve(DEFAULT_FILE))) {
        return dir.resolve(DEFAULT_FILE);
      }
    }
    return Path.of("..").resolve(DEFAULT_FILE);
  }

  /** Session dates as LoCoMo writes them: "1:56 pm on 8 May, 2023". */
  static final DateTimeFormatter SESSION_DATE = new DateTimeFormatterBuilder().parseCaseInsensitive()
      .appendPattern("h:mm a 'on' d MMMM, yyyy").toFormatter(Locale.ENGLISH);

  private static final Pattern SESSION_KEY = Pattern.compile("session_(\\d+)");
  private static final Pattern EVIDENCE_ID = Pattern.compile("D:?(\\d+):(\\d+)");

  private LocomoData() {}

  /**
   * One dialogue turn.
   *
   * @param index position in the conversation, 0-based, in dialogue order across sessions
   * @param diaId LoCoMo's id, "D<session>:<turn>"
   * @param session session number, from 1
   * @param sessionDate the session's date as written in the data ("1:56 pm on 8 May, 2023")
   * @param timestampMicros the session's start (read as UTC) plus one second per turn, keeping order
   */
  public record Turn(int index, String diaId, int session, String sessionDate, long timestampMicros,
      String speaker, String text) {

    /** The text the benchmark embeds: {@code "[<session date>] <speaker>: <text>"}. */
    public String embeddingText() {
      return "[" + sessionDate + "] " + speaker + ": " + text;
    }
  }

  /**
   * A question with the turns holding its evidence.
   *
   * @param category 1 multi-hop, 2 temporal, 3 open-domain, 4 single-hop, 5 adversarial
   * @param evidence indexes of the evidence turns in the conversation
   */
  public record Question(String text, String answer, int category, int[] evidence) {}

  /** A conversation between two speakers over dated sessions, with its questions. */
  public record Conversation(String id, String speakerA, String speakerB, List<Turn> turns,
      List<Question> questions, int unresolvedEvidence, int questionsWithoutEvidence) {}

  /** Loads every conversation of the file. */
  public static List<Conversation> load(Path file) throws IOException {
    JsonNode root = new ObjectMapper().readTree(Files.readAllBytes(file));
    if (!root.isArray()) {
      throw new IOException(file + ": expected a JSON list of conversations");
    }
    List<Conversation> conversations = new ArrayList<>();
    for (JsonNode sample : root) {
      conversations.add(conversation(file, sample));
    }
    return conversations;
  }

  private static Conversation conversation(Path file, JsonNode sample) throws IOException {
    String id = sample.path("sample_id").asText();
    JsonNode conv = sample.path("conversation");
    if (id.isEmpty() || !conv.isObject()) {
      throw new IOException(file + ": a conversation lacks sample_id or conversation");
    }
    List<Turn> turns = turns(file, id, conv);
    Map<String, Integer> byDiaId = new HashMap<>();
    for (Turn t : turns) {
      byDiaId.put(t.diaId(), t.index());
    }
    List<Question> questions = new ArrayList<>();
    int unresolved = 0;
    int withoutEvidence = 0;
    for (JsonNode qa : sample.path("qa")) {
      Set<Integer> evidence = new LinkedHashSet<>();
      for (JsonNode e : qa.path("evidence")) {
        Matcher m = EVIDENCE_ID.matcher(e.asText());
        boolean any = false;
        while (m.find()) {
          Integer index = byDiaId.get("D" + m.group(1) + ":" + m.group(2));
          if (index != null) {
            evidence.add(index);
            any = true;
          }
        }
        unresolved += any ? 0 : 1;
      }
      if (evidence.isEmpty()) {
        withoutEvidence++;
        continue;
      }
      String answer = qa.has("answer") ? qa.get("answer").asText() : qa.path("adversarial_answer").asText();
      questions.add(new Question(qa.path("question").asText(), answer, qa.path("category").asInt(),
          evidence.stream().mapToInt(Integer::intValue).toArray()));
    }
    return new Conversation(id, conv.path("speaker_a").asText(), conv.path("speaker_b").asText(),
        List.copyOf(turns), List.copyOf(questions), unresolved, withoutEvidence);
  }

  private static List<Turn> turns(Path file, String id, JsonNode conv) throws IOException {
    List<Integer> sessions = new ArrayList<>();
    conv.fieldNames().forEachRemaining(name -> {
      Matcher m = SESSION_KEY.matcher(name);
      if (m.matches() && conv.get(name).isArray()) {
        sessions.add(Integer.parseInt(m.group(1)));
      }
    });
    sessions.sort(null);
    List<Turn> turns = new ArrayList<>();
    for (int s : sessions) {
      String date = conv.path("session_" + s + "_date_time").asText();
      long start = sessionStartMicros(file, id, s, date);
      int inSession = 0;
      for (JsonNode t : conv.get("session_" + s)) {
        turns.add(new Turn(turns.size(), t.path("dia_id").asText(), s, date, start + inSession++ * 1_000_000L,
            t.path("speaker").asText(), t.path("text").asText()));
      }
    }
    return turns;
  }

  static long sessionStartMicros(Path file, String id, int session, String date) throws IOException {
    try {
      return LocalDateTime.parse(date, SESSION_DATE).toEpochSecond(ZoneOffset.UTC) * 1_000_000L;
    } catch (DateTimeParseException e) {
      throw new IOException(file + ": " + id + " session " + session + " has an unreadable date '" + date + "'", e);
    }
  }
}
