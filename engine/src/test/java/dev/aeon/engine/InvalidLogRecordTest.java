package dev.aeon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.common.io.CorruptFileException;
import dev.aeon.engine.log.Mutation;
import dev.aeon.engine.log.Mutation.AddLink;
import dev.aeon.engine.log.Mutation.ForgetEvent;
import dev.aeon.engine.log.Mutation.ForgetSession;
import dev.aeon.engine.log.Mutation.Invalidate;
import dev.aeon.engine.log.Mutation.LinkTo;
import dev.aeon.engine.log.Mutation.RememberBatch;
import dev.aeon.engine.log.Mutation.RememberEvent;
import dev.aeon.engine.log.Mutation.SetAttributes;
import dev.aeon.engine.log.MutationCodec;
import dev.aeon.query.trace.Trace;
import dev.aeon.wal.Wal;
import dev.aeon.wal.WalOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A log record whose checksum matches and that decodes, but that the stores cannot apply as it was logged:
 * the writer checks every mutation against the stores before logging it, and replay starts from the trace's
 * checkpoint, the state the writer checked against, so such a record was never written by a writer of this
 * release (damage that kept the checksum, or a log that does not belong with these stores). Opening must
 * report it as a damaged file naming the log segment and the record's LSN.
 */
class InvalidLogRecordTest {

  @TempDir
  Path dir;

  /**
   * Records a store refuses outright. Before, each failed the open with the store's bare
   * IllegalArgumentException, naming neither file nor record.
   */
  static Stream<Arguments> refusedByAStore() {
    return Stream.of(
        Arguments.of("a link that ends before it starts", new AddLink(1, "R", 2, 6, 5)),
        Arguments.of("a vector of another dimension", remember(11, new float[3], List.of())),
        Arguments.of("a vector of zero length", remember(11, new float[TestVectors.DIM], List.of())));
  }

  /** Records that name what the trace does not hold, or reuse an id. */
  static Stream<Arguments> namingWhatIsNotThere() {
    return Stream.of(
        Arguments.of("a link to an event that never was", new AddLink(1, "R", 99, Long.MIN_VALUE, Long.MAX_VALUE)),
        Arguments.of("a link from a forgotten event", new AddLink(4, "R", 1, Long.MIN_VALUE, Long.MAX_VALUE)),
        Arguments.of("a link valid at no time to an event that never was", new AddLink(1, "R", 99, 5, 5)),
        Arguments.of("a link valid at no time from a forgotten event", new AddLink(4, "R", 1, 5, 5)),
        Arguments.of("an invalidation from an event that never was", new Invalidate(99, "R", 1, 5)),
        Arguments.of("an invalidation to a forgotten event", new Invalidate(2, "R", 4, 5)),
        Arguments.of("attributes of an event that never was", new SetAttributes(99, Map.of("a", 1L))),
        Arguments.of("a forget of a forgotten event", new ForgetEvent(4)),
        Arguments.of("a forget of a session without events", new ForgetSession("nobody")),
        Arguments.of("an event whose id is taken", remember(3, TestVectors.unit(3), List.of())),
        Arguments.of("an event linked to an event that never was",
            remember(11, TestVectors.unit(11), List.of(new LinkTo("R", 99)))),
        Arguments.of("a batch whose second event is linked to an event that never was",
            new RememberBatch(List.of(remember(11, TestVectors.unit(11), List.of()),
                remember(12, TestVectors.unit(12), List.of(new LinkTo("R", 99)))))),
        Arguments.of("a batch whose ids are taken",
            new RememberBatch(List.of(remember(3, TestVectors.unit(3), List.of()),
                remember(4, TestVectors.unit(4), List.of())))));
  }

  /** Records holding a name every release's writer refuses before logging: empty, or longer than 1,024 bytes. */
  static Stream<Arguments> holdingANameNoWriterLogs() {
    return Stream.of(
        Arguments.of("an event of an empty session",
            new RememberEvent(11, "", "user", 1_000, "logged", null, Map.of(), List.of())),
        Arguments.of("an event of an empty role",
            new RememberEvent(11, "s", "", 1_000, "logged", null, Map.of(), List.of())),
        Arguments.of("a batch with an event of an empty role", new RememberBatch(List.of(remember(11, null, List.of()),
            new RememberEvent(12, "s", "", 1_000, "logged", null, Map.of(), List.of())))),
        Arguments.of("an event with an attribute of an empty name",
            new RememberEvent(11, "s", "user", 1_000, "logged", null, Map.of("", 1L), List.of())),
        Arguments.of("attributes with an empty name", new SetAttributes(1, Map.of("", 1L))),
        Arguments.of("a link type of 1,025 bytes",
            new AddLink(1, "R".repeat(Remember.MAX_NAME_BYTES + 1), 2, Long.MIN_VALUE, Long.MAX_VALUE)));
  }

  /**
   * Releases before {@code invalidate} returned how many links it ended logged an invalidation whenever both events
   * existed, also of a link already ended or never made; replay applied it as ending nothing. Such a log must still
   * open, with nothing ended (it was refused as damaged).
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"a link ended before", "no such link"})
  void anOlderReleasesInvalidationThatEndsNothingIsReplayedAsNothing(String what) throws IOException {
    boolean ended = what.equals("a link ended before");
    logAfterTenEvents(ended ? new Invalidate(2, "R", 1, 7) : new Invalidate(1, "R", 2, 7));
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      Memory m = aeon.memory();
      assertEquals(List.of(List.of(6L)), m.query("MATCH (a)-[r:R]->(b) AS OF 5 RETURN r.valid_to", Map.of()).rows(),
          "the link 2 -[R]-> 1 stays ended at 6, and no other is made");
    }
  }

  /**
   * The first releases logged a link that ends where it starts (valid at no time) before their trace refused it:
   * the caller got the error and the link was not made. Such a log must open, without the link and without the
   * namespace's other links changed (it was refused as damaged). The record is built as those releases wrote it:
   * the encoding of an AddLink has not changed since.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"a new link", "the ended link again"})
  void theFirstReleasesLinkValidAtNoTimeIsReplayedAsNothing(String what) throws IOException {
    logAfterTenEvents(what.equals("a new link") ? new AddLink(1, "R", 3, 5, 5) : new AddLink(2, "R", 1, 6, 6));
    for (int open = 0; open < 2; open++) { // the second from the close's checkpoint
      try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
        Memory m = aeon.memory();
        assertEquals(1, m.stats().edges(), "only the link 2 -[R]-> 1, ended at 6");
        assertEquals(List.of(List.of(2L, 1L, 6L)), m.query("MATCH (a)-[r:R]->(b) AS OF 5 RETURN a.id, b.id, r.valid_to",
            Map.of()).rows());
        assertEquals(List.of(), m.query("MATCH (a)-[r:R]->(b) RETURN a.id", Map.of()).rows(), "no current link");
        assertEquals(List.of(), aeon.check("default"));
      }
    }
  }

  /**
   * Writes the releases before e818f27c logged and then saw their trace refuse (the caller got the error, the
   * namespace failed, and no release could open it again), each as such a release wrote it: a real build of
   * fe9b1cb8 writes these very records, and this release decodes them (its open failed as "cannot be applied to the
   * stores"). Such a log must open, with the namespace as that release left it: no link made or ended, no
   * attribute changed, no event for a remember whose attributes were refused (and for one with a NEXT link, the
   * event without it). An invalidation at Long.MAX_VALUE, which those releases logged and applied as ending at
   * "open", ends nothing either.
   */
  static Stream<Arguments> refusedByTheFirstReleasesAfterLogging() {
    Map<String, Object> tooMany = new LinkedHashMap<>();
    for (int i = 0; i < 300; i++) {
      tooMany.put("k" + i, (long) i);
    }
    Map<String, Object> tooLarge = Map.of("big", "y".repeat(Trace.MAX_ATTRIBUTE_BYTES));
    return Stream.of(
        Arguments.of("a stored NEXT link", new AddLink(1, "NEXT", 2, Long.MIN_VALUE, Long.MAX_VALUE)),
        Arguments.of("an invalidation of NEXT", new Invalidate(2, "NEXT", 3, 7)),
        Arguments.of("an invalidation at the end of time", new Invalidate(2, "R", 1, Long.MAX_VALUE)),
        Arguments.of("attributes past 256", new SetAttributes(1, tooMany)),
        Arguments.of("attributes past 32,760 bytes", new SetAttributes(1, tooLarge)),
        Arguments.of("an event with attributes past 256",
            new RememberEvent(11, "s", "user", 1_000, "logged-11", TestVectors.unit(11), tooMany, List.of())),
        Arguments.of("a NEXT link from a new event",
            remember(11, TestVectors.unit(11), List.of(new LinkTo("NEXT", 1)))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedByTheFirstReleasesAfterLogging")
  void aWriteTheFirstReleasesLoggedAndThenRefusedIsReplayedAsThoseReleasesLeftIt(String what, Mutation record)
      throws IOException {
    logAfterTenEvents(record);
    boolean eventKept = what.equals("a NEXT link from a new event");
    for (int open = 0; open < 2; open++) { // the second from the close's checkpoint
      try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
        Memory m = aeon.memory();
        assertEquals(1, m.stats().edges(), "only the link 2 -[R]-> 1, ended at 6");
        assertEquals(List.of(List.of(2L, 1L, 6L)), m.query("MATCH (a)-[r:R]->(b) AS OF 5 RETURN a.id, b.id, r.valid_to",
            Map.of()).rows());
        assertEquals(List.of(List.of(1L, 2L), List.of(2L, 3L)), m.query(
            "MATCH (a)-[:NEXT]->(b) WHERE a.id < 3 RETURN a.id, b.id ORDER BY a.id", Map.of()).rows(),
            "NEXT as it was");
        assertEquals(Map.of(), m.get(1).orElseThrow().attributes());
        assertEquals(eventKept, m.get(11).isPresent());
        assertEquals(eventKept ? 10 : 9, m.history("s", 100).size());
        assertEquals(List.of(), aeon.check("default"));
      }
    }
  }

  private static RememberEvent remember(long id, float[] vector, List<LinkTo> links) {
    return new RememberEvent(id, "s", "user", 1_000, "logged-" + id, vector, Map.of(), links);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedByAStore")
  void oneAStoreRefusesIsReportedAsADamagedLogNamingItsLsn(String what, Mutation record) throws IOException {
    assertRefused(what, record);
  }

  /**
   * Before, each was skipped without a word: the namespace opened without the record's effect (the event whose
   * id was taken lost, with its text; the new event without its link).
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("namingWhatIsNotThere")
  void oneNamingWhatTheTraceDoesNotHoldIsReportedAsADamagedLogNamingItsLsn(String what, Mutation record)
      throws IOException {
    assertRefused(what, record);
  }

  /**
   * Before, each was applied: the namespace opened holding a name its export then carried into a file that an
   * import refuses ("session must not be empty").
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("holdingANameNoWriterLogs")
  void oneHoldingANameNoWriterLogsIsReportedAsADamagedLogNamingItsLsn(String what, Mutation record)
      throws IOException {
    assertRefused(what, record);
  }

  /**
   * Payloads the encoder never writes, each a valid record with a field changed: the decoder took them, and
   * the namespace opened with the vector dropped (a dimension of -2 read as "none"), a text of U+FFFD where the
   * log held a byte that is not UTF-8, one of two values of an attribute, or a boolean of 2 read as true.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"a vector dimension below -1", "a text that is not UTF-8", "an attribute named twice",
      "a boolean that is neither 0 nor 1"})
  void onlyWhatTheEncoderWritesIsDecoded(String what) throws IOException {
    Map<String, Object> attributes = new LinkedHashMap<>();
    attributes.put("a", true);
    attributes.put("b", 2L);
    byte[] payload = MutationCodec.encode(new RememberEvent(11, "s", "user", 1_000, "x", null, attributes, List.of()));
    int text = 8 + (4 + 1) + (4 + 4) + 8 + 4; // id, session "s", role "user", ts, the text's length
    int dim = text + 1;
    int firstName = dim + 4 + 4 + 4; // dim, attribute count, the first name's length
    switch (what) {
      case "a vector dimension below -1" -> payload[dim + 3] = (byte) 0xFE; // -1 is 0xFFFFFFFF
      case "a text that is not UTF-8" -> payload[text] = (byte) 0xFF;
      case "an attribute named twice" -> payload[firstName + 1 + 1 + 1 + 4] = 'a'; // 'a', its tag, its value
      case "a boolean that is neither 0 nor 1" -> payload[firstName + 1 + 1] = 2;
      default -> throw new AssertionError(what);
    }
    assertRefused(what, MutationCodec.REMEMBER, payload);
  }

  /** Batches the encoder never writes: of no event, or whose ids do not follow each other. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"a batch of no events", "a batch whose ids do not follow each other"})
  void onlyBatchesTheEncoderWritesAreDecoded(String what) throws IOException {
    byte[] payload = switch (what) {
      case "a batch of no events" -> new byte[4];
      case "a batch whose ids do not follow each other" -> MutationCodec.encode(new RememberBatch(List.of(
          remember(11, null, List.of()), remember(13, null, List.of()))));
      default -> throw new AssertionError(what);
    };
    assertRefused(what, MutationCodec.REMEMBER_BATCH, payload);
  }

  private void assertRefused(String what, Mutation record) throws IOException {
    assertRefused(what, MutationCodec.type(record), MutationCodec.encode(record));
  }

  private void assertRefused(String what, byte type, byte[] payload) throws IOException {
    long lsn = logAfterTenEvents(type, payload);
    Path walDir = dir.resolve("ns").resolve("default").resolve("wal");
    for (int attempt = 0; attempt < 2; attempt++) { // and again: the refused open left nothing that hides it
      CorruptFileException e = assertThrows(CorruptFileException.class, () -> {
        try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
          aeon.memory();
        }
      }, what);
      assertTrue(e.file().startsWith(walDir), e.getMessage());
      assertTrue(e.getMessage().contains("LSN " + lsn + " "), e.getMessage());
    }
  }

  private long logAfterTenEvents(Mutation record) throws IOException {
    return logAfterTenEvents(MutationCodec.type(record), MutationCodec.encode(record));
  }

  /**
   * Events 1 to 10, a link 2 -[R]-> 1 ended at 6, event 4 forgotten; then {@code payload} appended to the log
   * after them. Returns its LSN.
   */
  private long logAfterTenEvents(byte type, byte[] payload) throws IOException {
    try (Aeon aeon = Aeon.open(dir, EngineTest.options())) {
      Memory m = aeon.memory();
      for (int i = 1; i <= 10; i++) {
        m.remember(Remember.event("s", "user", "text-" + i).vector(TestVectors.unit(i)));
      }
      m.link(2, "R", 1, Long.MIN_VALUE, Long.MAX_VALUE);
      m.invalidate(2, "R", 1, 6);
      m.forget(4);
    }
    try (Wal wal = Wal.open(dir.resolve("ns").resolve("default").resolve("wal"), WalOptions.defaults())) {
      return wal.appendAndWait(type, payload);
    }
  }
}
