package dev.aeon.query.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.common.io.StoreFileException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One bit flipped at a time in each file of a closed trace (compacted once, then written again): every bit of each
 * header, and one bit of every byte after it up to the file's last non-zero one (a different bit from byte to
 * byte). Opening reports damage naming that file, or the trace reads exactly as before: only a flip in the padding
 * after the events file's header is not reported.
 */
class TraceBitFlipTest {

  @TempDir Path dir;

  @Test
  void everyFlippedBitIsReportedOrChangesNothing() throws IOException {
    Path d = dir.resolve("t");
    try (Trace t = Trace.open(d)) {
      for (long id = 1; id <= 30; id++) {
        t.append(new Event(id, "s" + id % 3, id % 2 == 0 ? "user" : "assistant", id * 7, id * 100,
            id % 3 == 0 ? id : Event.NO_VECTOR, id % 4 == 0 ? Map.of("n", id, "s", "x" + id) : Map.of()));
        if (id > 1) {
          t.addEdge("T" + id % 2, id, id - 1, id % 5 == 0 ? 10 : Edge.SINCE_EVER, id % 7 == 0 ? 20 : Edge.OPEN);
        }
      }
      t.invalidateEdges("T1", 9, 8, 15);
      t.forget(4);
      t.forgetSession("s2");
      t.updateAttributes(3, Map.of("x", true));
      t.compact(1);
      for (long id = 31; id <= 40; id++) {
        t.append(new Event(id, "s" + id % 4, "tool", id * 7, id * 100, Event.NO_VECTOR, Map.of("m", id)));
        t.addEdge("T2", id, id - 1);
      }
      t.invalidateEdges("T2", 35, 34, 300);
      t.forget(33);
      t.flush(2);
    }
    String expected;
    try (Trace t = Trace.open(d)) {
      expected = ReplayAfterCrashTest.state(t) + extra(t);
    }
    List<String> silent = new ArrayList<>();
    List<String> harmless = new ArrayList<>();
    int reported = 0;
    try (Stream<Path> files = Files.list(d)) {
      for (Path file : files.sorted().toList()) {
        byte[] original = Files.readAllBytes(file);
        int end = original.length;
        while (end > 0 && original[end - 1] == 0) {
          end--;
        }
        for (int at = 0; at < end; at++) {
          // every bit of a header, one of each byte after
          for (int bit = 0; bit < (at < FileHeader.LENGTH ? 8 : 1); bit++) {
            int b = (bit + at) % 8;
            write(file, at, (byte) (original[at] ^ (1 << b)));
            try {
              String found;
              try (Trace t = Trace.open(d)) {
                found = ReplayAfterCrashTest.state(t) + extra(t);
              }
              if (!found.equals(expected)) {
                silent.add(file.getFileName() + " byte " + at + " bit " + b);
              } else {
                harmless.add(file.getFileName() + " byte " + at);
              }
            } catch (StoreFileException e) {
              assertEquals(file, e.file(), file.getFileName() + " byte " + at + " bit " + b + ": " + e.getMessage());
              reported++;
            } finally {
              write(file, at, original[at]);
              if (Files.size(file) != original.length) { // an open that cut a file back: none should
                Files.write(file, original);
                silent.add(file.getFileName() + " byte " + at + " bit " + b + ": the file's length changed");
              }
            }
          }
        }
      }
    }
    assertEquals(List.of(), silent);
    // Every flip is reported but those in the padding between the events file's header and its first record
    List<String> padding = new ArrayList<>();
    for (int at = FileHeader.LENGTH; at < EventRecordDescriptor.FIRST_RECORD; at++) {
      padding.add(Trace.EVENTS_FILE + " byte " + at);
    }
    assertEquals(padding, harmless);
    assertTrue(reported > 5000, "reported " + reported);
  }

  private static String extra(Trace t) {
    StringBuilder sb = new StringBuilder();
    for (String s : List.of("s0", "s1", "s2", "s3")) {
      sb.append(s).append(' ').append(t.history(s, 1000)).append('\n');
    }
    sb.append(t.range(Long.MIN_VALUE, Long.MAX_VALUE, 1000)).append('\n');
    return sb.toString();
  }

  private static void write(Path file, long at, byte value) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[] {value}), at);
    }
  }
}
