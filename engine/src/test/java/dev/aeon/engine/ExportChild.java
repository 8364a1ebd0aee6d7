package dev.aeon.engine;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The process {@link ExportCrashTest} kills: it remembers events, then exports them and holds the export once
 * part of the file is written (flushed to it), appending {@code HELD} to the ack file. Arguments: memory directory,
 * export file, ack file.
 */
public final class ExportChild {

  static final int EVENTS = 200;
  /** Bytes written before the export is held: a few events' worth. */
  private static final int HELD_AT = 4096;

  private ExportChild() {}

  public static void main(String[] args) throws IOException {
    Path acks = Path.of(args[2]);
    try (Aeon aeon = Aeon.open(Path.of(args[0]), EngineTest.options())) {
      for (int i = 0; i < EVENTS; i++) {
        aeon.memory().remember(Remember.event("s", "user", "event " + i + " " + "x".repeat(i)).withoutVector());
      }
      aeon.exportNamespace(Aeon.DEFAULT_NAMESPACE, Path.of(args[1]), TransferProgress.NONE, out -> holding(out, acks));
    }
  }

  /** {@code out}, which flushes and holds its writer for good once it has passed {@link #HELD_AT} bytes. */
  private static OutputStream holding(OutputStream out, Path acks) {
    return new FilterOutputStream(out) {
      private long written;

      @Override
      public void write(int b) throws IOException {
        out.write(b);
        if (++written == HELD_AT) {
          out.flush(); // part of the export is in its file, as a crash part way leaves it
          Files.writeString(acks, "HELD\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
          try {
            Thread.sleep(Long.MAX_VALUE); // until the test kills this process
          } catch (InterruptedException e) {
            throw new IOException(e);
          }
        }
      }
    };
  }
}
