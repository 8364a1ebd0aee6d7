package dev.aeon.bench.locomo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.bench.locomo.LocomoData.Conversation;
import dev.aeon.bench.locomo.LocomoData.Turn;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocomoDataTest {

  static Path tiny() throws URISyntaxException {
    return Path.of(LocomoDataTest.class.getResource("tiny-locomo.json").toURI());
  }

  @Test
  void readsTurnsInDialogueOrderWithSessionDates() throws Exception {
    Conversation c = LocomoData.load(tiny()).getFirst();
    assertEquals("tiny-1", c.id());
    assertEquals("Ana", c.speakerA());
    List<Turn> turns = c.turns();
    assertEquals(5, turns.size());
    assertEquals("D2:1", turns.get(3).diaId());
    assertEquals(2, turns.get(3).session());
    assertEquals("[9:05 am on 3 March, 2024] Ana: Morning! I finally signed the lease for the flat in Lisbon.",
        turns.getFirst().embeddingText());
    assertEquals(Instant.parse("2024-03-03T09:05:00Z").toEpochMilli() * 1000, turns.get(0).timestampMicros());
    assertEquals(turns.get(0).timestampMicros() + 2_000_000L, turns.get(2).timestampMicros());
    assertEquals(Instant.parse("2024-04-17T18:40:00Z").toEpochMilli() * 1000, turns.get(3).timestampMicros());
  }

  @Test
  void normalisesEvidenceTyposAndCountsWhatItCannotResolve() throws Exception {
    Conversation c = LocomoData.load(tiny()).getFirst();
    assertEquals(3, c.questions().size(), "two questions have no resolvable evidence");
    assertEquals(2, c.questionsWithoutEvidence());
    assertEquals(2, c.unresolvedEvidence(), "\"D9:9\" and \"D\"");
    assertArrayEquals(new int[] {0}, c.questions().get(0).evidence());
    assertArrayEquals(new int[] {4, 2}, c.questions().get(1).evidence(), "two ids in one string");
    assertArrayEquals(new int[] {2}, c.questions().get(2).evidence(), "\"D:1:3\" means D1:3");
    assertEquals("third", c.questions().get(2).answer());
    assertEquals(5, c.questions().get(2).category());
  }

  @Test
  void badFilesFailWithTheFileNamed(@TempDir Path dir) throws IOException {
    Path notList = Files.writeString(dir.resolve("a.json"), "{\"x\": 1}");
    IOException e = assertThrows(IOException.class, () -> LocomoData.load(notList));
    assertTrue(e.getMessage().contains("a.json"), e.getMessage());
    Path badDate = Files.writeString(dir.resolve("b.json"), """
        [{"sample_id": "c", "conversation": {"session_1_date_time": "yesterday",
          "session_1": [{"speaker": "A", "dia_id": "D1:1", "text": "hi"}]}, "qa": []}]""");
    e = assertThrows(IOException.class, () -> LocomoData.load(badDate));
    assertTrue(e.getMessage().contains("yesterday") && e.getMessage().contains("b.json"), e.getMessage());
  }
}
