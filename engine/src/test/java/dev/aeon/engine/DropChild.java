package dev.aeon.engine;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * The process {@link DropCrashTest} kills: namespace after namespace ({@code t<n>}), it remembers
 * {@link #EVENTS} events, appends {@code W n} to the ack file, drops the namespace and appends {@code D n};
 * after each drop it remembers one event into namespace {@code keep} and appends {@code K id}. SYNC: every
 * acknowledged write is durable. Arguments: memory directory, ack file, first namespace number.
 */
public final class DropChild {

  static final int EVENTS = 5;

  private DropChild() {}

  public static void main(String[] args) throws IOException {
    try (PrintStream acks = new PrintStream(new FileOutputStream(args[1], true), true);
         Aeon aeon = Aeon.open(Path.of(args[0]), EngineTest.options())) {
      acks.println("START");
      for (int n = Integer.parseInt(args[2]); ; n++) {
        Memory m = aeon.namespace("t" + n);
        for (int i = 0; i < EVENTS; i++) {
          m.remember(Remember.event("s", "user", "event " + i + " of t" + n).vector(TestVectors.unit(i)));
        }
        acks.println("W " + n);
        aeon.dropNamespace("t" + n);
        acks.println("D " + n);
        long kept = aeon.namespace("keep").remember(Remember.event("s", "user", "after t" + n)
            .vector(TestVectors.unit(n)));
        acks.println("K " + kept);
      }
    }
  }
}
