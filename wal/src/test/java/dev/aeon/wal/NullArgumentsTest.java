package dev.aeon.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.aeon.common.testing.NullArguments;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every public method of the WAL's API, called with null in each reference parameter where null means nothing,
 * throws a NullPointerException that names the parameter (package-info.java), and logs and creates nothing; the
 * log goes on working afterwards.
 */
class NullArgumentsTest {

  @TempDir
  Path dir;

  @Test
  void aNullArgumentIsANullPointerExceptionNamingTheParameter() throws Exception {
    Path absent = dir.resolve("absent");
    Map<Object, Object> samples = Map.ofEntries(Map.entry(Path.class, absent),
        Map.entry(WalOptions.class, WalOptions.defaults()), Map.entry(byte[].class, new byte[] {1}),
        Map.entry(RecordConsumer.class, (RecordConsumer) (lsn, type, payload) -> {}),
        Map.entry(Durability.class, Durability.SYNC), Map.entry(byte.class, (byte) 1), Map.entry(long.class, 0L),
        Map.entry(int.class, 1), Map.entry(boolean.class, false));
    try (Wal wal = Wal.open(dir.resolve("wal"), WalOptions.defaults().maxPayload(1 << 16).segmentSize(1 << 20))) {
      long first = wal.appendAndWait((byte) 1, new byte[] {1});
      List<String> misfits = new ArrayList<>();
      misfits.addAll(NullArguments.misfits(Wal.class, wal, samples, Set.of()));
      misfits.addAll(NullArguments.misfits(WalOptions.class, WalOptions.defaults(), samples,
          Set.of("listener(value)")));
      assertEquals(List.of(), misfits);

      assertFalse(Files.exists(absent), "a refused call made " + absent);
      assertEquals(first, wal.lastLsn());
      long second = wal.appendAndWait((byte) 1, new byte[] {2});
      List<Long> replayed = new ArrayList<>();
      wal.replay((lsn, type, payload) -> replayed.add(lsn));
      assertEquals(List.of(first, second), replayed);
    }
  }
}
