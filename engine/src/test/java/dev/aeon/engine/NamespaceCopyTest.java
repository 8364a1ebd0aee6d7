package dev.aeon.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.common.io.DataExtents;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The two passes of a backup's copy: after the catch-up, every file is its source's equal, whatever changed. */
class NamespaceCopyTest {

  @TempDir Path dir;

  @Test
  void theCatchUpCopiesWhatChangedAfterTheFirstPass() throws IOException {
    Path source = dir.resolve("source");
    Random random = new Random(7);
    byte[] big = new byte[3 << 20];
    random.nextBytes(big);
    write(source.resolve("a/changed"), big);
    write(source.resolve("a/grown"), new byte[] {1, 2, 3});
    write(source.resolve("b/gone"), new byte[] {4});
    write(source.resolve("b/recreated"), big); // will become sparse: its old data must not stay in the copy
    write(source.resolve("skipped"), new byte[] {5});

    Path target = dir.resolve("copy");
    NamespaceCopy copy = NamespaceCopy.to(target);
    List<long[]> reported = new java.util.ArrayList<>();
    copy.copyFiles(source, p -> p.getFileName().toString().equals("skipped"), (step, done, total) -> {
      assertEquals(TransferProgress.Step.SNAPSHOT_BYTES, step);
      reported.add(new long[] {done, total});
    });
    long data = 2 * big.length + 3 + 1; // not the skipped file's byte
    assertArrayEquals(new long[] {data, data}, reported.getLast(), "bytes copied of the files' data");
    for (int i = 1; i < reported.size(); i++) {
      assertTrue(reported.get(i)[0] > reported.get(i - 1)[0], "bytes copied grow with each report");
    }

    try (RandomAccessFile f = new RandomAccessFile(source.resolve("a/changed").toFile(), "rw")) {
      f.seek((2 << 20) + 12345); // in the third MiB only
      f.write(new byte[] {9, 9, 9});
    }
    Files.write(source.resolve("a/grown"), new byte[] {6, 7}, java.nio.file.StandardOpenOption.APPEND);
    Files.delete(source.resolve("b/gone"));
    Files.delete(source.resolve("b/recreated"));
    try (RandomAccessFile f = new RandomAccessFile(source.resolve("b/recreated").toFile(), "rw")) {
      f.setLength(8 << 20); // a hole where the copy holds data
      f.seek((8 << 20) - 2);
      f.write(new byte[] {1, 2});
    }
    write(source.resolve("c/new"), new byte[] {8});
    write(source.resolve("c/zeros"), new byte[2 << 20]); // written zeros: blocks a store may count on

    copy.catchUp(source, p -> p.getFileName().toString().equals("skipped"));
    copy.finish(true);
    Path copied = target;
    for (String f : List.of("a/changed", "a/grown", "b/recreated", "c/new", "c/zeros")) {
      assertArrayEquals(Files.readAllBytes(source.resolve(f)), Files.readAllBytes(copied.resolve(f)), f);
    }
    assertFalse(Files.exists(copied.resolve("b/gone")));
    assertFalse(Files.exists(copied.resolve("skipped")));
    assertFalse(Files.exists(dir.resolve("copy.partial")));
    assertFalse(Files.exists(dir.resolve("copy.partial.unfinished")));
    assertEquals(5, copy.files());
    assertEquals(DataExtents.of(source.resolve("c/zeros"), 2 << 20), DataExtents.of(copied.resolve("c/zeros"),
        2 << 20));
  }

  @Test
  void extentsOfEitherFileAreMerged() {
    List<DataExtents.Extent> x = List.of(new DataExtents.Extent(0, 10), new DataExtents.Extent(20, 30));
    List<DataExtents.Extent> y = List.of(new DataExtents.Extent(5, 12), new DataExtents.Extent(30, 40),
        new DataExtents.Extent(50, 60));
    assertEquals(List.of(new DataExtents.Extent(0, 12), new DataExtents.Extent(20, 40),
        new DataExtents.Extent(50, 60)), NamespaceCopy.union(x, y));
  }

  private static void write(Path file, byte[] content) throws IOException {
    Files.createDirectories(file.getParent());
    Files.write(file, content);
  }
}
