package dev.aeon.bench.remember;

import dev.aeon.bench.locomo.LocomoData;
import dev.aeon.bench.locomo.LocomoData.Conversation;
import dev.aeon.bench.locomo.LocomoData.Turn;
import dev.aeon.engine.Remember;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code ./aeon bench remember --embed} remembers: LoCoMo's dialogue turns, each as the LoCoMo benchmark embeds
 * it ({@code "[<session date>] <speaker>: <text>"}), in dialogue order, as events without a vector, so that the
 * engine embeds them; one engine session per conversation's session, the speaker as the role. Taken in turn, and
 * again from the first once all were taken.
 */
final class Turns {

  private final List<String> texts = new ArrayList<>();
  private final List<String> sessions = new ArrayList<>();
  private final List<String> roles = new ArrayList<>();
  private final List<Long> timestamps = new ArrayList<>();

  private Turns() {}

  /** The first {@code n} turns of the file's conversations, all of them if {@code n} is larger. */
  static Turns load(Path file, int n) throws IOException {
    Turns turns = new Turns();
    int conversation = 0;
    for (Conversation c : LocomoData.load(file)) {
      for (Turn t : c.turns()) {
        if (turns.texts.size() == n) {
          return turns;
        }
        turns.texts.add(t.embeddingText());
        turns.sessions.add("c" + conversation + "-s" + t.session());
        turns.roles.add(t.speaker());
        turns.timestamps.add(t.timestampMicros());
      }
      conversation++;
    }
    return turns;
  }

  int size() {
    return texts.size();
  }

  /** The {@code n}th turn's text (from 0; past the last turn, the turns again). */
  String text(long n) {
    return texts.get(index(n));
  }

  /** The {@code n}th turn's engine session. */
  String session(long n) {
    return sessions.get(index(n));
  }

  /** The {@code n}th turn's speaker, the event's role. */
  String role(long n) {
    return roles.get(index(n));
  }

  /** When the {@code n}th turn's session took place, in microseconds since the epoch. */
  long at(long n) {
    return timestamps.get(index(n));
  }

  /** The next {@code count} texts from the {@code n}th, for one call of the embedder. */
  List<String> texts(long n, int count) {
    List<String> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(text(n + i));
    }
    return out;
  }

  /** The {@code n}th turn as an event without a vector: the engine embeds its text. */
  Remember event(long n) {
    return Remember.event(session(n), role(n), text(n)).at(at(n));
  }

  /** The next {@code count} events from the {@code n}th, for one {@code rememberAll}. */
  List<Remember> events(long n, int count) {
    List<Remember> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(event(n + i));
    }
    return out;
  }

  /** The mean length of a text, in characters. */
  double meanChars() {
    return texts.stream().mapToInt(String::length).average().orElse(0);
  }

  private int index(long n) {
    return (int) (n % texts.size());
  }
}
