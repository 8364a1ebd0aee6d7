package dev.aeon.query.exec;

import dev.aeon.query.trace.Edge;
import dev.aeon.query.trace.Event;
import dev.aeon.query.trace.Trace;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A small, hand-written test trace: two conversations of alternating user/assistant turns, memories
 * the turns refer to, and a superseded fact. Texts live in a map (the blob ref is the event id).
 */
final class Conversation {

  static final String[][] CONV_26 = {
      {"user", "Hi, I just moved to Lisbon!"},
      {"assistant", "Welcome to Portugal. How do you like it?"},
      {"user", "Lisbon is sunny, but I miss Berlin."},
      {"assistant", "Berlin winters are long; Lisbon will be kinder."},
      {"user", "Can you recommend a bakery?"},
      {"assistant", "Try the pasteis de nata in Belem."},
      {"user", "What about a gym near Lisbon centre?"},
      {"assistant", "There is one in Baixa."},
      {"user", "Thanks, and a Portuguese course?"},
      {"assistant", "The university runs evening classes."},
      {"user", "Great, I will sign up tomorrow."},
      {"assistant", "Good luck with the course!"},
  };
  static final String[][] CONV_27 = {
      {"user", "Plan a trip to Tokyo."},
      {"assistant", "Tokyo in spring has cherry blossoms."},
      {"tool", "flights: LIS-NRT 14h"},
      {"assistant", "The flight takes about 14 hours."},
  };
  static final long T0 = 1_700_000_000_000_000L;
  static final long MINUTE = 60_000_000L;

  final Map<Long, String> texts = new HashMap<>();
  final ExactVectors vectors = new ExactVectors();
  final Trace trace;
  long nextId = 1;
  /** Ids of the memory events: lives in Lisbon (superseded), lives in Berlin, likes bakeries. */
  long memLisbon;
  long memBerlin;
  long memBakery;

  Conversation(Path dir) throws IOException {
    trace = Trace.open(dir, texts::get, vectors);
    memBerlin = add("memories", "memory", T0 - 1000 * MINUTE, "lives in Berlin");
    memLisbon = add("memories", "memory", T0 - 999 * MINUTE, "lives in Lisbon");
    memBakery = add("memories", "memory", T0 - 998 * MINUTE, "likes bakeries");
    for (int i = 0; i < CONV_26.length; i++) {
      long id = add("conv-26", CONV_26[i][0], T0 + i * MINUTE, CONV_26[i][1]);
      if (CONV_26[i][1].contains("Lisbon")) {
        trace.addEdge("REFERS_TO", id, memLisbon);
      }
      if (CONV_26[i][1].contains("Berlin")) {
        trace.addEdge("REFERS_TO", id, memBerlin);
      }
      if (CONV_26[i][1].contains("bakery")) {
        trace.addEdge("REFERS_TO", id, memBakery);
      }
    }
    for (int i = 0; i < CONV_27.length; i++) {
      add("conv-27", CONV_27[i][0], T0 + (100 + i) * MINUTE, CONV_27[i][1]);
    }
    // the user moved: "lives in Lisbon" supersedes "lives in Berlin" from T0 until it is revised at T0+50min
    trace.addEdge("SUPERSEDES", memLisbon, memBerlin, T0, Edge.OPEN);
    trace.invalidateEdges("SUPERSEDES", memLisbon, memBerlin, T0 + 50 * MINUTE);
  }

  long add(String session, String role, long ts, String text) {
    long id = nextId++;
    texts.put(id, text);
    vectors.put(id, embed(text));
    trace.append(new Event(id, session, role, ts, id, id, Map.of("len", text.length())));
    return id;
  }

  /** A toy bag-of-letters embedding: similar texts share letters, which is enough for exact recall. */
  static float[] embed(String text) {
    float[] v = new float[26];
    for (char c : text.toLowerCase().toCharArray()) {
      if (c >= 'a' && c <= 'z') {
        v[c - 'a']++;
      }
    }
    return v;
  }
}
