package dev.aeon.engine;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Random;

/**
 * The process {@link BackupCrashTest} kills: a writer thread remembers events while the main thread takes
 * backup after backup of the namespace into {@code <backups>/b<n>}, appending {@code B n lastLsn} to the ack
 * file after each. Arguments: memory directory, backups directory, ack file, first backup number, seed.
 */
public final class BackupChild {

  private BackupChild() {}

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    Path backups = Path.of(args[1]);
    int first = Integer.parseInt(args[3]);
    Random random = new Random(Long.parseLong(args[4]));
    try (PrintStream acks = new PrintStream(new FileOutputStream(args[2], true), true);
         Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      Memory m = aeon.memory();
      Thread writer = Thread.ofPlatform().daemon().start(() -> {
        while (true) {
          long seed = random.nextLong();
          m.remember(Remember.event("s" + (seed & 7), "user", "text " + seed).vector(TestVectors.unit(seed)));
        }
      });
      acks.println("START");
      for (int n = first; writer.isAlive(); n++) {
        BackupResult r = aeon.backup("default", backups.resolve("b" + n));
        acks.println("B " + n + " " + r.lastLsn());
      }
    }
  }
}
