package dev.aeon.bench.open;

import dev.aeon.engine.Aeon;
import dev.aeon.engine.AeonOptions;
import dev.aeon.engine.Durability;
import dev.aeon.engine.Memory;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The child process of the recovery measurement: {@code CrashedWriter DIR FIRST COUNT} remembers COUNT more
 * events with background checkpoints off, prints "done" and waits to be killed, so that opening
 * the namespace again replays all of them from the log. Writes are ASYNC (the log is forced every 10 ms)
 * and "done" comes a second after the last: the parent counts what the reopened namespace holds.
 */
public final class CrashedWriter {

  private CrashedWriter() {}

  public static void main(String[] args) throws InterruptedException {
    Path dir = Path.of(args[0]);
    long first = Long.parseLong(args[1]);
    int count = Integer.parseInt(args[2]);
    AeonOptions options = AeonOptions.defaults().withDurability(Durability.ASYNC)
        .withCheckpoints(Long.MAX_VALUE, Duration.ofDays(365));
    Aeon aeon = Aeon.open(dir, options); // never closed: the parent kills this process
    Memory m = aeon.memory();
    Events events = new Events(first);
    for (long i = first; i < first + count; i++) {
      m.remember(events.next(i));
    }
    Thread.sleep(1_000); // several forces of the log
    System.out.println("done");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
