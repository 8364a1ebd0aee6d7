package dev.aeon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.aeon.common.io.ExclusiveFileLock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Aeon#backup}: a copy of an open namespace that opens as the namespace was, also while a writer and
 * background checkpoints run, and that never leaves a half-written target.
 */
class BackupTest {

  @TempDir Path dir;

  @Test
  void aBackupOpensAsTheNamespaceWasWhenItWasTaken() throws IOException {
    Path live = dir.resolve("live");
    Path backups = dir.resolve("backups");
    int events = 300;
    long[] ids = new long[events + 40];
    float[][] vectors = new float[ids.length][];
    List<String> expected;
    BackupResult result;
    try (Aeon aeon = Aeon.open(live, EngineTest.options())) {
      Memory m = aeon.memory();
      for (int i = 0; i < events; i++) {
        remember(m, ids, vectors, i);
        if (i == events / 2) {
          m.checkpoint(); // the copy holds a checkpoint and a log after it
        }
      }
      expected = readAll(aeon, ids, vectors, events);
      long lastLsn = m.stats().lastLsn();
      result = aeon.backup("default", backups);
      assertEquals(lastLsn, result.lastLsn());
      // Written after the backup: none of it may be in the copy.
      m.forget(ids[1]);
      m.setAttributes(ids[2], Map.of("n", -1L));
      m.link(ids[3], "REFERS_TO", ids[4], Long.MIN_VALUE, Long.MAX_VALUE);
      for (int i = events; i < ids.length; i++) {
        remember(m, ids, vectors, i);
      }
    }
    assertEquals(backups.resolve("ns/default"), result.directory());
    assertTrue(result.files() >= 8 && result.bytes() > 0, result.toString());
    assertFalse(Files.exists(backups.resolve("ns/default.partial")));
    try (Aeon copy = Aeon.open(backups, EngineTest.options())) {
      assertEquals(expected, readAll(copy, ids, vectors, events));
      for (int i = events; i < ids.length; i++) {
        assertTrue(copy.memory().get(ids[i]).isEmpty(), "event " + i + " was remembered after the backup");
      }
      assertEquals(List.of(), copy.check("default"));
    }
  }

  @Test
  void backupsTakenWhileAWriterWritesEachHoldAPrefixOfItsWrites() throws Exception {
    long seed = Long.getLong("aeon.test.seed", System.nanoTime());
    System.out.println("BackupTest seed " + seed);
    Random random = new Random(seed);
    Path live = dir.resolve("live");
    // Small segments and frequent checkpoints: backups meet checkpoints and new log segments. ASYNC: a write
    // is acknowledged before its record is written out, which the backup must do before it copies the log.
    AeonOptions options = EngineTest.options().withCheckpoints(32 << 10, Duration.ofMillis(20))
        .withDurability(Durability.ASYNC);
    List<Op> acked = new CopyOnWriteArrayList<>();
    List<Taken> taken = new ArrayList<>();
    AtomicBoolean stop = new AtomicBoolean();
    try (Aeon aeon = Aeon.open(live, options)) {
      Memory m = aeon.memory();
      Thread writer = Thread.ofPlatform().start(() -> write(m, new Random(random.nextLong()), acked, stop));
      try {
        for (int b = 0; b < 6; b++) {
          Thread.sleep(20 + random.nextInt(80));
          int before = acked.size();
          Path target = dir.resolve("backup-" + b);
          taken.add(new Taken(target, before, aeon.backup("default", target)));
          System.out.println("BackupTest " + taken.getLast());
        }
      } finally {
        stop.set(true);
        writer.join();
      }
    }
    assertTrue(acked.size() > 100, "the writer acknowledged only " + acked.size() + " writes");
    try (Aeon aeon = Aeon.open(live, options)) {
      assertEquals(acked.size(), aeon.memory().stats().lastLsn(), "a write that is not one log record");
    }
    for (Taken t : taken) {
      try (Aeon copy = Aeon.open(t.dir(), options)) {
        Memory m = copy.memory();
        // Each write is one log record, the first LSN 1: the copy holds exactly the writes up to its last LSN.
        int prefix = Math.toIntExact(t.result().lastLsn());
        assertTrue(prefix >= t.ackedBefore(), t + ": writes acknowledged before the backup are missing");
        assertEquals(prefix, m.stats().lastLsn(), t.toString());
        Map<Long, String> state = state(m, acked);
        assertEquals(model(acked.subList(0, prefix)), state, t + " (seed " + seed + ")");
        for (Op op : acked.subList(0, prefix)) {
          if (op.remember() && state.containsKey(op.id())) {
            float[] v = TestVectors.unit(op.vectorSeed());
            // every leaf: with the default nprobe, a search once missed the event's own vector at rank 1
            assertEquals(op.id(), m.recall(Recall.vector(v, 1).slb(false).nprobe(EngineCrashTest.EVERY_LEAF))
                .getFirst().event().id(), t.toString());
          }
        }
        assertEquals(List.of(), copy.check("default"), t.toString());
      }
    }
  }

  /** An interrupt closes the file being copied; the message said "failed: null", and an export's said "backup". */
  @Test
  void anInterruptedBackupOrExportSaysSoAndLeavesTheNamespaceWhole() {
    try (Aeon aeon = Aeon.open(dir.resolve("live"), EngineTest.options())) {
      long id = aeon.memory().remember(Remember.event("s", "user", "hello").vector(TestVectors.unit(1)));
      Map<String, Runnable> calls = Map.of(
          "backup of namespace 'default' failed: ", () -> aeon.backup("default", dir.resolve("copy")),
          "export of namespace 'default' failed: ", () -> aeon.exportNamespace("default", dir.resolve("export.jsonl")));
      calls.forEach((said, call) -> {
        Thread.currentThread().interrupt();
        UncheckedIOException e;
        try {
          e = assertThrows(UncheckedIOException.class, call::run);
        } finally {
          assertTrue(Thread.interrupted(), "the interrupt was not kept");
        }
        assertEquals(said + "the calling thread was interrupted, which closed a file in use", e.getMessage());
      });
      assertFalse(Files.exists(dir.resolve("copy/ns/default")));
      assertFalse(Files.exists(dir.resolve("export.jsonl")));
      aeon.backup("default", dir.resolve("copy"));
      try (Aeon copy = Aeon.open(dir.resolve("copy"), EngineTest.options())) {
        assertEquals("hello", copy.memory().get(id).orElseThrow().text());
      }
    }
  }

  @Test
  void aBackupRefusesAnExistingTargetAndReplacesOnlyItsOwnUnfinishedCopy() throws IOException {
    Path live = dir.resolve("live");
    try (Aeon aeon = Aeon.open(live, EngineTest.options())) {
      long id = aeon.memory().remember(Remember.event("s", "user", "hello").vector(TestVectors.unit(1)));

      Path taken = dir.resolve("taken");
      Files.createDirectories(taken.resolve("ns/default"));
      Files.writeString(taken.resolve("ns/default/mine.txt"), "keep me");
      UncheckedIOException exists = assertThrows(UncheckedIOException.class, () -> aeon.backup("default", taken));
      assertInstanceOf(FileAlreadyExistsException.class, exists.getCause());
      assertEquals("keep me", Files.readString(taken.resolve("ns/default/mine.txt")));

      Path foreign = dir.resolve("foreign");
      Files.createDirectories(foreign.resolve("ns/default.partial"));
      Files.writeString(foreign.resolve("ns/default.partial/mine.txt"), "keep me");
      UncheckedIOException notOurs = assertThrows(UncheckedIOException.class, () -> aeon.backup("default", foreign));
      assertTrue(notOurs.getCause().getMessage().contains("not an unfinished backup"), notOurs.toString());
      assertFalse(Files.exists(foreign.resolve("ns/default.partial.unfinished")));
      assertEquals("keep me", Files.readString(foreign.resolve("ns/default.partial/mine.txt")));

      Path crashed = dir.resolve("crashed"); // as a crash during a copy leaves it
      Files.createDirectories(crashed.resolve("ns/default.partial/wal"));
      Files.createFile(crashed.resolve("ns/default.partial.unfinished"));
      Files.writeString(crashed.resolve("ns/default.partial/wal/half"), "half a copy");
      aeon.backup("default", crashed);
      assertFalse(Files.exists(crashed.resolve("ns/default.partial")));
      assertFalse(Files.exists(crashed.resolve("ns/default.partial.unfinished")));
      assertFalse(Files.exists(crashed.resolve("ns/default/wal/half")));
      try (Aeon copy = Aeon.open(crashed, EngineTest.options())) {
        assertEquals("hello", copy.memory().get(id).orElseThrow().text());
      }

      assertThrows(IllegalArgumentException.class, () -> aeon.backup("default", live.resolve("ns/default/inside")));
      assertThrows(IllegalArgumentException.class, () -> aeon.backup("../default", dir.resolve("other")));
      IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
          () -> aeon.backup("typo", dir.resolve("other")));
      assertEquals("there is no namespace 'typo' in " + live, none.getMessage());
      assertFalse(Files.exists(live.resolve("ns/typo")), "a backup made the namespace it was asked for");
    }
  }

  /**
   * A backup to a target another backup is making (another process backing a namespace of the same name up into the
   * same directory; here this test holds the running backup's lock on its mark) is refused, and leaves that copy
   * alone. It took the running copy for one a crash left and deleted it under that backup, whose files then went
   * into its own copy. Once the other's lock is gone (its process died), the copy is a crash's and is replaced.
   */
  @Test
  void aBackupRefusesATargetAnotherBackupIsMaking() throws IOException {
    Path shared = dir.resolve("shared");
    Files.createDirectories(shared.resolve("ns/default.partial/wal"));
    Files.writeString(shared.resolve("ns/default.partial/wal/half"), "the other backup's copy");
    try (Aeon aeon = Aeon.open(dir.resolve("live"), EngineTest.options())) {
      aeon.memory().remember(Remember.event("s", "user", "hello").vector(TestVectors.unit(1)));
      try (ExclusiveFileLock other = ExclusiveFileLock.tryAcquire(shared.resolve("ns/default.partial.unfinished"))) {
        UncheckedIOException running = assertThrows(UncheckedIOException.class, () -> aeon.backup("default", shared));
        assertTrue(running.getMessage().contains("another backup to " + shared.resolve("ns/default") + " is running"),
            running.getMessage());
        assertEquals("the other backup's copy", Files.readString(shared.resolve("ns/default.partial/wal/half")));
        assertTrue(Files.exists(shared.resolve("ns/default.partial.unfinished")));
        assertFalse(Files.exists(shared.resolve("ns/default")));
      }
      aeon.backup("default", shared);
      assertFalse(Files.exists(shared.resolve("ns/default.partial")));
      assertFalse(Files.exists(shared.resolve("ns/default.partial.unfinished")));
      assertFalse(Files.exists(shared.resolve("ns/default/wal/half")));
    }
    try (Aeon copy = Aeon.open(shared, EngineTest.options())) {
      assertEquals(List.of("default"), copy.namespaceNames());
      assertEquals("hello", copy.memory().get(1).orElseThrow().text());
    }
  }

  /**
   * A backup into its own memory's {@code ns/} folder was made as {@code ns/ns/default}, which the memory then
   * listed and opened as a namespace {@code ns}; one into its {@code tmp/} folder was reported as made and deleted
   * by the next open. Both are refused, through links and {@code ..} too, and so is one into the namespace's own
   * folder (refused before anything else is looked at); another folder of the memory is fine.
   */
  @Test
  void aBackupIntoTheFoldersOfItsOwnMemoryIsRefused() throws IOException {
    Path live = dir.resolve("live");
    Path link = dir.resolve("link-to-live");
    try (Aeon aeon = Aeon.open(live, EngineTest.options())) {
      aeon.memory().remember(Remember.event("s", "user", "hello"));
      Files.createSymbolicLink(link, live);
      for (Path inside : List.of(live.resolve("ns"), live.resolve("tmp/b"), live, live.resolve("ns/other"),
          live.resolve("x/../tmp/b"), link.resolve("tmp"), link.resolve("ns/x/y"), live.resolve("ns/default"),
          live.resolve("ns/default/wal"), link.resolve("ns/default/x/.."))) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> aeon.backup("default", inside), inside.toString());
        assertTrue(e.getMessage().startsWith("a backup cannot go into " + inside), e.getMessage());
      }
      assertFalse(Files.exists(live.resolve("ns/ns")));
      assertFalse(Files.exists(live.resolve("ns/other")));
      aeon.backup("default", live.resolve("backups/today"));
    }
    try (Aeon again = Aeon.open(live, EngineTest.options())) {
      assertEquals(List.of("default"), again.namespaceNames());
    }
    try (Aeon copy = Aeon.open(live.resolve("backups/today"), EngineTest.options())) {
      assertEquals("hello", copy.memory().history("s", 1).getFirst().text());
    }
  }

  /**
   * Nor may a backup go into the {@code ns/} or {@code tmp/} folder of another memory directory, open or not: one
   * into {@code other/ns} was listed and opened by that memory as a namespace {@code ns}, one under
   * {@code other/tmp} was deleted by its next open, and one in its namespace's folder went with that namespace.
   * The other memory's directory itself takes it, as {@code ns/<name>} (a memory of backups).
   */
  @Test
  void aBackupIntoTheFoldersOfAnotherMemoryIsRefused() throws IOException {
    Path other = dir.resolve("other");
    try (Aeon aeon = Aeon.open(other, EngineTest.options())) {
      aeon.memory().remember(Remember.event("s", "user", "other's"));
    }
    try (Aeon aeon = Aeon.open(dir.resolve("live"), EngineTest.options())) {
      aeon.namespace("agent").remember(Remember.event("s", "user", "hello"));
      for (Path inside : List.of(other.resolve("ns"), other.resolve("ns/default"), other.resolve("tmp/b"),
          other.resolve("x/../ns/new"))) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> aeon.backup("agent", inside), inside.toString());
        assertTrue(e.getMessage().startsWith("a backup cannot go into " + inside + ", which is inside the ns/ or tmp/"
            + " folder of the memory directory " + other), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Aeon.checkBackupTarget(dir.resolve("live"), inside));
      }
      aeon.backup("agent", other);
    }
    try (Aeon again = Aeon.open(other, EngineTest.options())) {
      assertEquals(List.of("agent", "default"), again.namespaceNames());
      assertEquals("hello", again.namespace("agent").history("s", 1).getFirst().text());
      assertFalse(Files.exists(other.resolve("ns/default/ns")));
    }
  }

  /**
   * A backup killed after its files were copied but before the rename leaves {@code ns/default.partial} and its
   * mark, whose name is a namespace name: the backup's directory listed it as a namespace, and {@code ./aeon check}
   * opened it (writing into it) and called it consistent, as if the backup were whole. Every call refuses it as the
   * open does, or finds no namespace there: a drop deleted the copy (but not its mark) and returned true, and an
   * import built the namespace and then refused it as "created by another caller while the import ran".
   */
  @Test
  void aBackupCutShortIsNeitherListedNorOpenedAsANamespace() throws IOException {
    Path live = dir.resolve("live");
    Path export = dir.resolve("default.jsonl");
    Path backup = dir.resolve("backup");
    try (Aeon aeon = Aeon.open(live, EngineTest.options())) {
      aeon.memory().remember(Remember.event("s", "user", "hello"));
      aeon.backup("default", backup);
      aeon.exportNamespace("default", export);
    }
    Path ns = backup.resolve("ns");
    Files.move(ns.resolve("default"), ns.resolve("default.partial")); // as the kill left it
    Files.createFile(ns.resolve("default.partial.unfinished"));
    try (Aeon cut = Aeon.open(backup, EngineTest.options())) {
      assertEquals(List.of(), cut.namespaceNames());
      assertFalse(cut.exists("default.partial"));
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> cut.namespace("default.partial"));
      assertTrue(e.getMessage().contains("is a backup that was cut short"), e.getMessage());
      assertEquals(0, cut.reader("default.partial").stats().events());
      List<Consumer<String>> refused = List.of(cut::lease, cut::dropNamespace, n -> cut.importNamespace(n, export));
      for (Consumer<String> call : refused) {
        assertEquals(e.getMessage(), assertThrows(IllegalStateException.class, () -> call.accept("default.partial"))
            .getMessage());
      }
      assertFalse(cut.closeNamespace("default.partial"));
      for (Consumer<String> call : List.<Consumer<String>>of(cut::check,
          n -> cut.backup(n, dir.resolve("again")), n -> cut.exportNamespace(n, dir.resolve("again.jsonl")))) {
        assertEquals("there is no namespace 'default.partial' in " + backup,
            assertThrows(IllegalArgumentException.class, () -> call.accept("default.partial")).getMessage());
      }
      assertEquals(List.of(), cut.namespaceNames());
    }
    assertEquals(List.of(ns.resolve("default.partial"), ns.resolve("default.partial.unfinished")), list(ns));
    try (Aeon aeon = Aeon.open(live, EngineTest.options())) {
      aeon.backup("default", backup); // replaces it
    }
    try (Aeon whole = Aeon.open(backup, EngineTest.options())) {
      assertEquals(List.of("default"), whole.namespaceNames());
      assertEquals("hello", whole.memory().history("s", 1).getFirst().text());
    }
  }

  private static List<Path> list(Path d) throws IOException {
    try (var s = Files.list(d)) {
      return s.sorted().toList();
    }
  }

  /** Event {@code i}: text, vector, attribute, a link to the one before every 7th, a forget every 17th. */
  private static void remember(Memory m, long[] ids, float[][] vectors, int i) {
    vectors[i] = TestVectors.unit(i);
    ids[i] = m.remember(Remember.event("s" + i % 5, i % 2 == 0 ? "user" : "assistant", "event " + i + " "
        + "x".repeat(i % 200)).vector(vectors[i]).attribute("n", (long) i));
    if (i % 7 == 6) {
      m.link(ids[i], "REFERS_TO", ids[i - 1], Long.MIN_VALUE, Long.MAX_VALUE);
    }
    if (i % 17 == 16) {
      m.forget(ids[i - 3]);
    }
  }

  /** A backup, and how many writes the writer had acknowledged when it began. */
  private record Taken(Path dir, int ackedBefore, BackupResult result) {}

  /** One acknowledged write: a remember (with its vector's seed), a mark set or removed (null), or a forget. */
  private record Op(long id, boolean remember, boolean forget, String mark, long vectorSeed) {}

  /** Remembers, marks and forgets until stopped; each write is appended to {@code acked} once acknowledged. */
  private static void write(Memory m, Random random, List<Op> acked, AtomicBoolean stop) {
    List<Long> live = new ArrayList<>();
    while (!stop.get()) {
      int op = random.nextInt(10);
      if (op < 6 || live.size() < 3) {
        long vectorSeed = random.nextLong();
        long id = m.remember(Remember.event("s", "user", "text " + vectorSeed).vector(TestVectors.unit(vectorSeed)));
        live.add(id);
        acked.add(new Op(id, true, false, null, vectorSeed));
      } else if (op < 8) {
        long id = live.get(random.nextInt(live.size()));
        String mark = random.nextBoolean() ? null : Long.toString(random.nextLong());
        Map<String, Object> change = new HashMap<>();
        change.put("mark", mark);
        m.setAttributes(id, change);
        acked.add(new Op(id, false, false, mark, 0));
      } else {
        long id = live.remove(random.nextInt(live.size()));
        assertTrue(m.forget(id));
        acked.add(new Op(id, false, true, null, 0));
      }
    }
  }

  /** Each live event of the writer's, with its mark ("" for none), after {@code ops}. */
  private static Map<Long, String> model(List<Op> ops) {
    Map<Long, String> state = new TreeMap<>();
    for (Op op : ops) {
      if (op.remember()) {
        state.put(op.id(), "");
      } else if (op.forget()) {
        state.remove(op.id());
      } else {
        state.put(op.id(), op.mark() == null ? "" : op.mark());
      }
    }
    return state;
  }

  /** The same read from a memory: each event the writer ever remembered that is there, with its mark. */
  private static Map<Long, String> state(Memory m, List<Op> acked) {
    Map<Long, String> state = new TreeMap<>();
    long last = acked.stream().mapToLong(Op::id).max().orElse(0) + 1; // the one in flight at the end too
    for (long id = 1; id <= last; id++) {
      m.get(id).ifPresent(e -> state.put(e.id(), String.valueOf(e.attributes().getOrDefault("mark", ""))));
    }
    return state;
  }

  /** Each of the first {@code n} events, each session's history, each vector's nearest five, the links. */
  private static List<String> readAll(Aeon aeon, long[] ids, float[][] vectors, int n) {
    Memory m = aeon.memory();
    List<String> read = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      read.add("get " + ids[i] + ": " + m.get(ids[i]));
      // Scores to four places: the last bit of a score may differ from one open to the next.
      read.add("recall: " + m.recall(Recall.vector(vectors[i], 5).slb(false)).stream()
          .map(r -> r.event().id() + String.format(" %.4f", r.score())).toList());
    }
    for (int s = 0; s < 5; s++) {
      read.add("history s" + s + ": " + m.history("s" + s, Integer.MAX_VALUE));
    }
    read.add("links: " + m.query("MATCH (e)-[:REFERS_TO]->(f) RETURN e.id, f.id ORDER BY e.id", Map.of()).rows());
    return read;
  }
}
