package dev.aeon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.query.lang.QueryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Input that one of the stores would refuse, or silently alter, is refused before it is logged. A mutation
 * that is logged and then refused by a store fails the namespace, and replaying it fails every reopen: the
 * memory would be lost for good. So each case here must leave the namespace writable and reopenable.
 */
class BadInputTest {

  @TempDir
  Path dir;

  @Test
  void whatTheTraceWouldRefuseIsRefusedBeforeItIsLogged() {
    Map<String, Consumer<Memory>> cases = new LinkedHashMap<>();
    cases.put("a link that ends where it starts", m -> m.link(1, "R", 2, 10, 10));
    cases.put("a stored NEXT link", m -> m.link(1, "NEXT", 2, Long.MIN_VALUE, Long.MAX_VALUE));
    cases.put("a NEXT link from a new event", m -> m.remember(Remember.event("s", "user", "x").link("NEXT", 1)));
    cases.put("invalidating NEXT", m -> m.invalidate(1, "NEXT", 2, 5));
    cases.put("invalidating at Long.MAX_VALUE (the link stays open)", m -> m.invalidate(1, "R", 2, Long.MAX_VALUE));
    cases.put("invalidating a link at its start (valid in no time)", m -> m.invalidate(1, "SINCE", 2, 100));
    cases.put("invalidating a link before its start", m -> m.invalidate(1, "SINCE", 2, 50));
    cases.put("an attribute of 40,000 characters",
        m -> m.remember(Remember.event("s", "user", "x").attribute("big", "x".repeat(40_000))));
    cases.put("300 attributes", m -> {
      Remember r = Remember.event("s", "user", "x");
      for (int i = 0; i < 300; i++) {
        r.attribute("k" + i, i);
      }
      m.remember(r);
    });
    cases.put("setting 300 attributes", m -> {
      Map<String, Object> many = new HashMap<>();
      for (int i = 0; i < 300; i++) {
        many.put("k" + i, i);
      }
      m.setAttributes(1, many);
    });
    cases.put("a session with an unpaired surrogate (stored as 's?', another session's name)",
        m -> m.remember(Remember.event("s\uD800", "user", "x")));
    cases.put("a role with an unpaired surrogate", m -> m.remember(Remember.event("s", "\uDC00user", "x")));
    cases.put("a text with an unpaired surrogate", m -> m.remember(Remember.event("s", "user", "a\uD800b")));
    cases.put("an attribute name with an unpaired surrogate", m -> m.setAttributes(1, Map.of("k\uDBFF", 1)));
    cases.put("an attribute value with an unpaired surrogate", m -> m.setAttributes(1, Map.of("k", "\uD800")));
    cases.put("a link type with an unpaired surrogate", m -> m.link(1, "R\uD800", 2, 0, 1));
    cases.put("a recall's query text with an unpaired surrogate (embedded as if it were not there)",
        m -> m.recall(Recall.text("ab\uDC00cd", 1)));
    cases.put("an attribute named like every event's role (queries would read the role)",
        m -> m.remember(Remember.event("s", "user", "x").attribute("role", "admin")));
    cases.put("setting an attribute named like every event's ts", m -> m.setAttributes(1, Map.of("ts", 5)));
    cases.put("attributes that grow past 32 KiB one update at a time", m -> {
      for (int i = 0; i < 20; i++) {
        m.setAttributes(2, Map.of("k" + i, "y".repeat(2_000)));
      }
    });
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      Memory m = aeon.memory();
      assertEquals(1, m.remember(Remember.event("s", "user", "a").vector(TestVectors.unit(1))));
      assertEquals(2, m.remember(Remember.event("s", "user", "b").vector(TestVectors.unit(2))));
      m.link(1, "SINCE", 2, 100, Long.MAX_VALUE);
      for (Map.Entry<String, Consumer<Memory>> c : cases.entrySet()) {
        assertThrows(IllegalArgumentException.class, () -> c.getValue().accept(m), c.getKey());
        m.setAttributes(1, Map.of("after", c.getKey())); // still writable
      }
    }
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      Memory m = aeon.memory();
      assertEquals(2, m.stats().events());
      long emoji = m.remember(Remember.event("s\uD83D\uDE00", "user", "a pair is text: \uD83D\uDE00"));
      assertEquals("a pair is text: \uD83D\uDE00", m.get(emoji).orElseThrow().text());
      assertEquals("attributes that grow past 32 KiB one update at a time",
          m.get(1).orElseThrow().attributes().get("after"));
      assertTrue(m.get(2).orElseThrow().attributes().size() < 20, "the update that did not fit was not applied");
      assertEquals(1, m.invalidate(1, "SINCE", 2, 101), "the refused invalidations left the link current");
      Map<String, Object> removeTs = new HashMap<>();
      removeTs.put("ts", null); // removing one (stored before such names were refused) is allowed
      m.setAttributes(1, removeTs);
      m.remember(Remember.event("s", "user", "c").vector(TestVectors.unit(3)));
    }
  }

  @Test
  void aMutationThatChangesNothingLogsNothing() {
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      Memory m = aeon.memory();
      long a = m.remember(Remember.event("s", "user", "a"));
      long b = m.remember(Remember.event("s", "user", "b"));
      m.link(a, "R", b, 10, Long.MAX_VALUE);
      assertEquals(1, m.invalidate(a, "R", b, 20));
      long lsn = m.stats().lastLsn();
      assertEquals(0, m.invalidate(a, "R", b, 30), "the link has ended already");
      assertEquals(0, m.invalidate(b, "R", a, 30), "no link that way");
      assertEquals(0, m.invalidate(a, "OTHER", b, 30), "no link of that type");
      assertFalse(m.forget(b + 1));
      assertEquals(0, m.forgetSession("nobody"));
      assertEquals(lsn, m.stats().lastLsn());
      assertTrue(m.forget(b));
      assertEquals(lsn + 1, m.stats().lastLsn());
    }
  }

  /**
   * The first vector fixes a namespace's dimension. Two first vectors of different dimensions, remembered
   * at once, both passed the check made before the write lock, and the second one logged was refused by
   * the index: the namespace failed and could not be reopened.
   */
  @Test
  void twoFirstVectorsOfDifferentDimensionsAtOnceLeaveOneAndARefusal() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 20; round++) {
        Path namespaceDir = dir.resolve("round-" + round);
        CyclicBarrier start = new CyclicBarrier(2);
        try (Aeon aeon = Aeon.open(namespaceDir, EngineTest.options())) {
          Memory m = aeon.memory();
          int[] dims = {8, 16};
          List<Future<Long>> writes = new ArrayList<>();
          for (int dim : dims) {
            writes.add(pool.submit(() -> {
              start.await();
              return m.remember(Remember.event("s", "user", "d" + dim).vector(axis(dim, 0)));
            }));
          }
          int refused = 0;
          int kept = 0;
          for (int i = 0; i < dims.length; i++) {
            try {
              writes.get(i).get(30, TimeUnit.SECONDS);
              kept = dims[i];
            } catch (ExecutionException e) {
              assertTrue(e.getCause() instanceof IllegalArgumentException, e.getCause().toString());
              refused++;
            }
          }
          assertEquals(1, refused, "round " + round);
          m.remember(Remember.event("s", "user", "after").vector(axis(kept, 1)));
        }
        try (Aeon aeon = Aeon.open(namespaceDir, EngineTest.options())) {
          assertEquals(2, aeon.memory().stats().events(), "round " + round);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** The unit vector along axis {@code i} of {@code dim} dimensions. */
  private static float[] axis(int dim, int i) {
    float[] v = new float[dim];
    v[i] = 1;
    return v;
  }

  @Test
  void aTimestampBefore1970IsKeptAsGiven() {
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      Memory m = aeon.memory();
      long id = m.remember(Remember.event("s", "user", "the moon landing").at(-14_182_940_000_000L));
      assertEquals(-14_182_940_000_000L, m.get(id).orElseThrow().timestampMicros());
      long now = m.remember(Remember.event("s", "user", "today"));
      assertTrue(m.get(now).orElseThrow().timestampMicros() > 0);
    }
  }

  /** docs/query-language.md: no exception but QueryException escapes from a statement. */
  @Test
  void aVectorTheIndexCannotUseIsAQueryError() {
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      Memory m = aeon.memory();
      m.remember(Remember.event("s", "user", "a").vector(TestVectors.unit(1)));
      for (float[] bad : new float[][] {new float[7], new float[TestVectors.DIM]}) {
        QueryException recall = assertThrows(QueryException.class,
            () -> m.query("CALL recall($q, 3) YIELD event RETURN event.id", Map.of("q", bad)));
        assertTrue(recall.getMessage().contains("recall()"), recall.getMessage());
        QueryException similarity = assertThrows(QueryException.class,
            () -> m.query("MATCH (e) RETURN similarity(e, $q)", Map.of("q", bad)));
        assertTrue(similarity.getMessage().contains("similarity()"), similarity.getMessage());
      }
    }
  }
  @Test
  void recallFiltersRefuseWhatCanNeverMatchAndCompareNumbersExactly() {
    assertThrows(IllegalArgumentException.class, () -> Recall.vector(TestVectors.unit(1), 3).where("x", new Object()));
    assertThrows(IllegalArgumentException.class, () -> Recall.vector(TestVectors.unit(1), 3).between(2_000, 0));
    assertThrows(IllegalArgumentException.class, () -> Recall.vector(TestVectors.unit(1), 3).nprobe(-5));
    assertThrows(IllegalArgumentException.class, () -> Recall.vector(TestVectors.unit(1), 3).where("x", Double.NaN));
    // no attribute holds these, and as doubles they compared inexactly (2^53 + 1 matched 2^53)
    for (Object never : List.of(java.math.BigInteger.ONE, java.math.BigDecimal.ONE,
        new java.util.concurrent.atomic.AtomicLong())) {
      assertThrows(IllegalArgumentException.class, () -> Recall.vector(TestVectors.unit(1), 3).where("x", never));
    }
    assertThrows(NullPointerException.class, () -> Recall.vector(TestVectors.unit(1), 3).roles("user", null));
    long big = 1L << 53;
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      Memory m = aeon.memory();
      long id = m.remember(Remember.event("s", "user", "a").vector(TestVectors.unit(1)).attribute("n", big)
          .attribute("three", 3));
      java.util.function.Function<Recall, List<Long>> ids = r -> m.recall(r).stream().map(h -> h.event().id()).toList();
      assertEquals(List.of(id), ids.apply(Recall.vector(TestVectors.unit(1), 3).where("n", big)));
      assertEquals(List.of(id), ids.apply(Recall.vector(TestVectors.unit(1), 3).where("n", (double) big)));
      assertEquals(List.of(), ids.apply(Recall.vector(TestVectors.unit(1), 3).where("n", big + 1)),
          "2^53 + 1 is not 2^53, though they are one double");
      assertEquals(List.of(id), ids.apply(Recall.vector(TestVectors.unit(1), 3).where("three", 3.0)));
      assertEquals(List.of(id), ids.apply(Recall.vector(TestVectors.unit(1), 3).where("three", (short) 3)));
      assertEquals(List.of(id), ids.apply(Recall.vector(TestVectors.unit(1), 3).where("three", 3.0f)));
      assertEquals(List.of(), ids.apply(Recall.vector(TestVectors.unit(1), 3).where("three", 3.5)));
      assertEquals(List.of(id), ids.apply(Recall.vector(TestVectors.unit(1), 3).roles("user", "user")));
      assertEquals(1f, m.recall(Recall.vector(TestVectors.unit(1), 1)).getFirst().score(), "a cosine is at most 1");
    }
  }

  @Test
  void aZeroVectorInAStatementIsRefusedBeforeAnyVectorExists() {
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      Memory m = aeon.memory();
      m.remember(Remember.event("s", "user", "no vector"));
      assertThrows(QueryException.class, () -> m.query("CALL recall($q, 3) YIELD event RETURN event.id",
          Map.of("q", new float[TestVectors.DIM])));
    }
  }

  @Test
  void anEmbedderThatReturnsNothingIsAnError() {
    dev.aeon.common.TextEmbedder nothing = new dev.aeon.common.TextEmbedder() {
      @Override
      public int dimension() {
        return TestVectors.DIM;
      }

      @Override
      public List<float[]> embedAll(List<String> texts) {
        return java.util.Collections.nCopies(texts.size(), null);
      }

      @Override
      public void close() {}
    };
    try (Aeon aeon = Aeon.open(dir, EngineTest.options().withEmbedder(nothing))) {
      Memory m = aeon.memory();
      assertThrows(IllegalStateException.class, () -> m.remember(Remember.event("s", "user", "text")));
      assertThrows(IllegalStateException.class, () -> m.recall(Recall.text("text", 1)));
      assertEquals(0, m.stats().events());
    }
  }

  @Test
  void aClosedNamespaceSaysSoForEveryCall() {
    Memory m;
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      m = aeon.memory();
      m.remember(Remember.event("s", "user", "a").vector(TestVectors.unit(1)));
    }
    List<Runnable> calls = List.of(
        () -> m.recall(Recall.vector(TestVectors.unit(1), 1)), () -> m.get(1), () -> m.history("s", 1),
        () -> m.query("MATCH (e) RETURN e", Map.of()), m::stats, () -> m.forget(1), () -> m.forgetSession("s"),
        () -> m.link(1, "R", 1, 0, 1), () -> m.setAttributes(1, Map.of("a", 1)),
        () -> m.remember(Remember.event("s", "user", "b")));
    for (Runnable call : calls) {
      IllegalStateException e = assertThrows(IllegalStateException.class, call::run);
      assertEquals("namespace 'default' is closed", e.getMessage());
    }
  }

  /**
   * Options out of range are refused when they are made, before any file is written: a log segment of
   * Long.MAX_VALUE bytes was accepted, and the first namespace opened wrote zeros until the disk was full.
   */
  @Test
  void optionsOutOfRangeAreRefused() {
    AeonOptions d = AeonOptions.defaults();
    java.time.Duration second = java.time.Duration.ofSeconds(1);
    long largest = 1L << 30; // AeonOptions.MAX_WAL_SEGMENT_BYTES
    List<Runnable> bad = List.of(() -> d.withWalSegmentBytes(Long.MAX_VALUE), () -> d.withWalSegmentBytes(largest + 1),
        () -> d.withWalSegmentBytes(0), () -> d.withCheckpoints(1 << 20, second.negated()),
        () -> d.withCheckpoints(1 << 20, java.time.Duration.ZERO), () -> d.withCheckpoints(0, second),
        () -> d.withSlb(64, Float.NaN, 1 << 20), () -> d.withSlb(64, 1.5f, 1 << 20), () ->
        d.withSlb(-1, 0.85f, 1 << 20));
    for (Runnable options : bad) {
      assertThrows(IllegalArgumentException.class, options::run);
    }
    assertEquals(largest, d.withWalSegmentBytes(largest).walSegmentBytes());
  }

  @Test
  void anEventTooLargeForTheLogSaysWhichOptionSetsTheLimit() {
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) { // 1 MiB segments: 512 KiB per event
      Memory m = aeon.memory();
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> m.remember(Remember.event("s", "user", "x".repeat(600_000))));
      assertTrue(e.getMessage().contains("AeonOptions.withWalSegmentBytes"), e.getMessage());
      m.remember(Remember.event("s", "user", "x".repeat(400_000)));
      assertEquals(1, m.stats().events());
    }
  }

  /**
   * A text more than one log record holds is refused before it is embedded: embedding takes about a minute
   * per megabyte of text, which a server's client could otherwise make it spend on an event it then refuses.
   */
  @Test
  void aTextTooLargeForTheLogIsRefusedBeforeItIsEmbedded() {
    List<String> embedded = new ArrayList<>();
    dev.aeon.common.TextEmbedder counting = new dev.aeon.common.TextEmbedder() {
      @Override
      public int dimension() {
        return TestVectors.DIM;
      }

      @Override
      public List<float[]> embedAll(List<String> texts) {
        embedded.addAll(texts);
        return texts.stream().map(t -> TestVectors.unit(1)).toList();
      }
    };
    try (Aeon aeon = Aeon.open(dir, EngineTest.options().withEmbedder(counting))) { // 512 KiB per event
      Memory m = aeon.memory();
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> m.remember(Remember.event("s", "user", "\u00e9".repeat(300_000)))); // 600,000 bytes of UTF-8
      assertTrue(e.getMessage().contains("AeonOptions.withWalSegmentBytes"), e.getMessage());
      assertEquals(0, embedded.size(), "embedded before it was refused");
      m.remember(Remember.event("s", "user", "x".repeat(400_000)));
      assertEquals(1, embedded.size());
      assertEquals(1, m.stats().events());
    }
  }

  /**
   * A statement may build a value nested as deep as it likes (reduce() wraps a list in a list at each step), but a
   * returned one is bounded as a parameter is, at 100 levels: converting it into the engine's values recursed as deep,
   * and a list nested 1,000 levels made Memory.query throw a StackOverflowError.
   */
  @Test
  void aReturnedValueNestedTooDeepIsRefused() {
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      Memory m = aeon.memory();
      for (String step : List.of("[acc]", "{a: acc}")) {
        String deep = "RETURN reduce(acc = 1, x IN range(1, 1000) | " + step + ") AS deep";
        QueryException e = assertThrows(QueryException.class, () -> m.query(deep, Map.of()), step);
        assertEquals("column 'deep' holds lists and maps nested more than 100 levels deep", e.reason());
        assertEquals(8, e.column());
        // 100 levels are returned; what a statement does with a deeper value inside is unchanged
        Object hundred = m.query(deep.replace("1000", "100"), Map.of()).rows().getFirst().getFirst();
        for (int level = 0; level < 100; level++) {
          hundred = hundred instanceof List<?> l ? l.getFirst() : ((Map<?, ?>) hundred).get("a");
        }
        assertEquals(1L, hundred);
        assertEquals(List.of(List.of(true)), m.query(deep.replace("AS deep", "IS NOT NULL"), Map.of()).rows());
      }
    }
  }

  /**
   * A statement that would run for hours (every path of up to 12 hops through 24 events that all refer to
   * each other) is stopped at the namespace's query time limit with a QueryException, and the namespace goes
   * on answering; a statement within the limit is unaffected.
   */
  @Test
  @org.junit.jupiter.api.Timeout(60)
  void aStatementIsStoppedAtTheQueryTimeLimit() {
    try (Aeon aeon = Aeon.open(dir, EngineTest.options().withQueryTimeLimit(java.time.Duration.ofMillis(300)))) {
      Memory m = aeon.memory();
      List<Long> ids = new ArrayList<>();
      for (int i = 0; i < 24; i++) {
        ids.add(m.remember(Remember.event("s", "user", "event " + i)));
      }
      for (long a : ids) {
        for (long b : ids) {
          if (a != b) {
            m.link(a, "REFERS_TO", b, Long.MIN_VALUE, Long.MAX_VALUE);
          }
        }
      }
      long start = System.nanoTime();
      QueryException e = assertThrows(QueryException.class,
          () -> m.query("MATCH (a)-[:REFERS_TO*1..12]->(b) RETURN count(*)", Map.of()));
      assertTrue(e.getMessage().contains("time limit of 300 ms"), e.getMessage());
      assertTrue(System.nanoTime() - start < 30_000_000_000L, "stopped long after its limit");
      assertEquals(List.of(List.of(552L)), m.query("MATCH (a)-[:REFERS_TO]->(b) RETURN count(*)", Map.of()).rows());
    }
  }

  /**
   * Products of scans that hold nothing (a count, a sort that keeps three rows, DISTINCT of a few values, an EXISTS
   * per row) are stopped at the time limit too (one that holds every row meets the bound on a result first:
   * ClausesTest). It passes: no fix was needed.
   */
  @Test
  @org.junit.jupiter.api.Timeout(120)
  void productsOfScansAreStoppedByTheirBounds() {
    try (Aeon aeon = Aeon.open(dir, EngineTest.options().withQueryTimeLimit(java.time.Duration.ofMillis(200)))) {
      Memory m = aeon.memory();
      for (int i = 0; i < 400; i++) {
        m.remember(Remember.event("s" + i % 7, "user", "e" + i));
      }
      for (String product : List.of("MATCH (a), (b), (c) RETURN count(*)",
          "MATCH (a), (b), (c) RETURN a.id, b.id, c.id ORDER BY c.ts LIMIT 3",
          "MATCH (a), (b), (c) RETURN DISTINCT a.session = c.session",
          "MATCH (a), (b) WHERE NOT EXISTS { (a)-[:NEXT*1..32]-(b) } RETURN count(*)")) {
        QueryException e = assertThrows(QueryException.class, () -> m.query(product, Map.of()), product);
        assertTrue(e.reason().startsWith("the statement ran past its time limit of 200 ms"),
            product + ": " + e.reason());
      }
      // a few hundred steps: far within the limit, even on a loaded machine
      assertEquals(List.of(List.of(58L)), m.query("MATCH (a {session: 's0'}) RETURN count(*)", Map.of()).rows());
    }
  }

  /**
   * A statement whose expressions go through long lists is stopped at the time limit too: a step (a row) hid a
   * pass over a list of two million elements, and a thousand of them ran for seconds past a limit of 100 ms.
   */
  @Test
  @org.junit.jupiter.api.Timeout(120)
  void expressionsOverLongListsAreStoppedAtTheQueryTimeLimit() {
    try (Aeon aeon = Aeon.open(dir, EngineTest.options().withQueryTimeLimit(java.time.Duration.ofMillis(100)))) {
      Memory m = aeon.memory();
      QueryException e = assertThrows(QueryException.class, () -> m.query(
          "WITH range(1, 2000000) AS l RETURN size([y IN range(1, 1000) WHERE -1 IN l])", Map.of()));
      assertTrue(e.getMessage().contains("time limit of 100 ms"), e.getMessage());
      assertEquals(List.of(List.of(10L)), // a few hundred steps: far within the limit, even on a loaded machine
          m.query("WITH range(1, 20) AS l RETURN size([y IN range(1, 10) WHERE y IN l])", Map.of()).rows());
    }
  }

  /**
   * A statement whose expressions go through long strings is stopped at the time limit too: a string counted as one
   * step whatever its length, so 200 rows each searching a string of 16 million characters (fewer steps than the
   * 1,024 between two reads of the clock) ran for seconds past a limit of 100 ms, and finished; each operator or
   * function given a string now counts a step per 16 characters of it, as a list counts its elements.
   */
  @Test
  @org.junit.jupiter.api.Timeout(120)
  void expressionsOverLongStringsAreStoppedAtTheQueryTimeLimit() {
    try (Aeon aeon = Aeon.open(dir, EngineTest.options().withQueryTimeLimit(java.time.Duration.ofMillis(100)))) {
      Memory m = aeon.memory();
      String big = "WITH reduce(s = 'a', i IN range(1, 24) | s + s) AS big UNWIND range(1, 200) AS i ";
      for (String end : List.of("RETURN count(big CONTAINS 'b')", "RETURN sum(size(split(big, 'b')))",
          "RETURN count(big ENDS WITH toUpper(big))")) {
        QueryException e = assertThrows(QueryException.class, () -> m.query(big + end, Map.of()), end);
        assertTrue(e.getMessage().contains("time limit of 100 ms"), end + ": " + e.getMessage());
      }
      assertEquals(List.of(List.of(10L)), // 10 rows of 1,024 characters: far within the limit
          m.query(big.replace("24", "10").replace("200", "10") + "RETURN count(big CONTAINS 'a')", Map.of()).rows());
    }
  }

  /**
   * Comparing values is stopped at the time limit too: a list holding one list twice, nested 40 deep, is small
   * (a reduce builds it in 40 steps), but `=`, `<>`, `IN` and `CASE` went through it as 2^40 elements, in one
   * step of the statement, for hours past any limit. (Sorting by it, or holding it for min or max, is refused
   * by the bound on what a result holds.)
   */
  @Test
  @org.junit.jupiter.api.Timeout(120)
  void comparisonsOfDeeplySharedListsAreStoppedAtTheQueryTimeLimit() {
    try (Aeon aeon = Aeon.open(dir, EngineTest.options().withQueryTimeLimit(java.time.Duration.ofMillis(100)))) {
      Memory m = aeon.memory();
      String nested = "WITH reduce(acc = [], x IN range(1, 40) | [acc, acc]) AS a ";
      for (String end : List.of("RETURN a = a", "RETURN a <> a", "RETURN a IN [a]",
          "RETURN CASE a WHEN a THEN 1 END")) {
        long start = System.nanoTime();
        QueryException e = assertThrows(QueryException.class, () -> m.query(nested + end, Map.of()), end);
        assertTrue(e.getMessage().contains("time limit of 100 ms"), end + ": " + e.getMessage());
        assertTrue(System.nanoTime() - start < 5_000_000_000L, end + ": stopped long after its limit");
      }
      assertEquals(List.of(List.of(true)), m.query("WITH reduce(acc = [], x IN range(1, 8) | [acc, acc]) AS a"
          + " RETURN a = a", Map.of()).rows()); // 2^8 elements: far within the limit
    }
  }

  /**
   * An error that shows the value it got (SKIP, LIMIT, AS OF, recall's count) shows its beginning only: a list of
   * five million numbers made a message of 40 MB, and one holding a list twice, nested 40 deep, was written out as
   * 2^40 elements, for hours past the time limit.
   */
  @Test
  @org.junit.jupiter.api.Timeout(120)
  void anErrorShowsTheBeginningOfTheValueItGot() {
    try (Aeon aeon = Aeon.open(dir, EngineTest.options().withQueryTimeLimit(java.time.Duration.ofMillis(100)))) {
      Memory m = aeon.memory();
      long a = m.remember(Remember.event("s", "user", "a").vector(TestVectors.unit(1)));
      long b = m.remember(Remember.event("s", "user", "b").vector(TestVectors.unit(2)));
      m.link(a, "R", b, 0, Long.MAX_VALUE);
      List<Long> big = java.util.stream.LongStream.rangeClosed(1, 5_000_000).boxed().toList();
      String nested = "reduce(acc = [], x IN range(1, 40) | [acc, acc])";
      Map<String, Map<String, Object>> statements = Map.of(
          "RETURN 1 SKIP $n", Map.of("n", big),
          "MATCH (a)-[r:R]->(b) AS OF $n RETURN b", Map.of("n", big),
          "MATCH (a)-[r:R]->(b) AS OF " + nested + " RETURN b", Map.of(),
          "CALL recall($q, $n) YIELD event RETURN event", Map.of("q", TestVectors.unit(1), "n", big));
      statements.forEach((statement, params) -> {
        QueryException e = assertThrows(QueryException.class, () -> m.query(statement, params), statement);
        assertTrue(e.getMessage().length() < 1_000, statement + ": a message of " + e.getMessage().length()
            + " characters");
        assertTrue(e.getMessage().contains("but got ["), statement + ": " + e.getMessage());
      });
      QueryException small = assertThrows(QueryException.class, () -> m.query("RETURN 1 LIMIT [1, 2]", Map.of()));
      assertTrue(small.getMessage().contains("but got [1, 2]") && !small.getMessage().contains("..."),
          small.getMessage()); // a short value whole
    }
  }

  /**
   * Recalls one after another (each a search per row of the one before) are stopped at the time limit too:
   * they bind rows without any scan or expansion, which alone counted towards the limit, so a chain of three
   * recalls ran every one of its searches and rows whatever the limit.
   */
  @Test
  @org.junit.jupiter.api.Timeout(120)
  void chainedRecallsAreStoppedAtTheQueryTimeLimit() {
    try (Aeon aeon = Aeon.open(dir, EngineTest.options().withQueryTimeLimit(java.time.Duration.ofMillis(100)))) {
      Memory m = aeon.memory();
      for (int i = 0; i < 150; i++) {
        m.remember(Remember.event("s", "user", "event " + i).vector(TestVectors.unit(i)));
      }
      Map<String, Object> q = Map.of("q", TestVectors.unit(7));
      long start = System.nanoTime();
      QueryException e = assertThrows(QueryException.class, () -> m.query("CALL recall($q, 150) YIELD event AS a"
          + " CALL recall($q, 150) YIELD event AS b CALL recall($q, 150) YIELD event AS c RETURN count(*)", q));
      assertTrue(e.getMessage().contains("time limit of 100 ms"), e.getMessage());
      assertTrue(System.nanoTime() - start < 5_000_000_000L, "stopped long after its limit");
    }
    // A short chain runs whole under the default limit (under 100 ms it could be stopped by a loaded machine alone)
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      assertEquals(List.of(List.of(25L)), aeon.memory().query("CALL recall($q, 5) YIELD event AS a"
          + " CALL recall($q, 5) YIELD event AS b RETURN count(*)", Map.of("q", TestVectors.unit(7))).rows());
    }
  }

  /**
   * A checkpoint interval or an idle time too long to count in nanoseconds means never: each namespace open
   * failed with an ArithmeticException, after its stores were opened and before they could be closed, so the
   * namespace stayed locked ("the WAL is already open") until the JVM exited.
   */
  @Test
  void intervalsBeyondNanosecondsMeanNever() {
    java.time.Duration forever = java.time.temporal.ChronoUnit.FOREVER.getDuration();
    try (Aeon aeon = Aeon.open(dir, EngineTest.options().withCheckpoints(64 << 20, forever))) {
      aeon.memory().remember(Remember.event("s", "user", "one"));
      assertEquals(List.of(), aeon.closeIdleNamespaces(java.time.Duration.ofDays(365L * 300)));
      assertEquals(List.of("default"), aeon.openNamespaceNames());
    }
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      assertEquals(1, aeon.memory().stats().events());
    }
  }

  /**
   * A time limit too long to count in nanoseconds (a way to say "no limit" as a duration) lets statements
   * run: each statement failed with an ArithmeticException from converting it.
   */
  @Test
  void aTimeLimitBeyondNanosecondsIsNoLimit() {
    java.time.Duration forever = java.time.temporal.ChronoUnit.FOREVER.getDuration();
    try (Aeon aeon = Aeon.open(dir, EngineTest.options().withQueryTimeLimit(forever))) {
      Memory m = aeon.memory();
      m.remember(Remember.event("s", "user", "one"));
      assertEquals(List.of(List.of(1L)), m.query("MATCH (e) RETURN count(e)", Map.of()).rows());
    }
    try (Aeon aeon = Aeon.open(dir, EngineTest.options().withQueryTimeLimit(java.time.Duration.ofDays(365L * 300)))) {
      assertEquals(List.of(List.of(1L)), aeon.memory().query("MATCH (e) RETURN count(e)", Map.of()).rows());
    }
  }
}
