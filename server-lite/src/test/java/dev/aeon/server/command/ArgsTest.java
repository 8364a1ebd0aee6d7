package dev.aeon.server.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ArgsTest {

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  /**
   * A client may send a command name of many megabytes (up to the largest bulk a request may hold): looking it up
   * and echoing it in the unknown-command error decodes no more of it than the error shows. Before, it was decoded
   * whole twice (and lower-cased), several times its size on the heap beside what the request budget counts.
   */
  @Test
  void aHugeUnknownCommandNameIsNotDecodedWhole() {
    byte[] name = new byte[64 << 20];
    Arrays.fill(name, (byte) 'a');
    byte[] arg = new byte[16 << 20];
    Arrays.fill(arg, (byte) 'b');
    Args args = new Args(new byte[][] {name, arg});
    CommandTable table = CommandTable.standard(Runnable::run);
    long before = THREADS.getCurrentThreadAllocatedBytes();
    assertNull(table.get(args.name()));
    String error = CommandTable.unknownCommand(args);
    long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
    assertEquals("ERR unknown command '" + "a".repeat(64) + "...', with args beginning with: '" + "b".repeat(64)
        + "...' ", error);
    assertTrue(allocated < 1 << 20, allocated + " bytes allocated to look up and echo a 64 MiB name");
  }

  /** Every command's name is short enough to be looked up, and a name is found in any case. */
  @Test
  void everyCommandIsFoundByItsNameInAnyCase() {
    CommandTable table = CommandTable.standard(Runnable::run);
    for (CommandSpec spec : table.all()) {
      String upper = spec.name().toUpperCase(java.util.Locale.ROOT);
      Args args = new Args(new byte[][] {upper.getBytes(StandardCharsets.UTF_8)});
      assertEquals(spec, table.get(args.name()), upper);
    }
  }

  /** The clip never cuts a character: 64 characters of three or four bytes each are decoded whole. */
  @Test
  void aClippedArgumentOfWideCharactersEndsOnAWholeCharacter() {
    String wide = "€".repeat(100);
    assertEquals("€".repeat(64) + "...", new Args(new byte[][] {wide.getBytes(StandardCharsets.UTF_8)}).clipped(0));
    String pairs = "😀".repeat(100); // 4 bytes, 2 characters each: the clip keeps 32 whole pairs
    assertEquals("😀".repeat(32) + "...", new Args(new byte[][] {pairs.getBytes(StandardCharsets.UTF_8)}).clipped(0));
    assertEquals("short", new Args(new byte[][] {"short".getBytes(StandardCharsets.UTF_8)}).clipped(0));
  }
}
