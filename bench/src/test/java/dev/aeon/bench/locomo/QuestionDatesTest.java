package dev.aeon.bench.locomo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.bench.locomo.QuestionDates.Span;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class QuestionDatesTest {

  private static Span span(String q) {
    return QuestionDates.find(q).orElseThrow(() -> new AssertionError("no date found in: " + q));
  }

  @Test
  void resolvesDaysMonthsAndYearsInTheFormsLocomoUses() {
    LocalDate nov16 = LocalDate.of(2023, 11, 16);
    assertEquals(new Span(nov16, nov16), span("What did Tim say about his injury on 16 November, 2023?"));
    assertEquals(LocalDate.of(2023, 12, 8), span("What book did Tim finish on 8th December, 2023?").from());
    assertEquals(LocalDate.of(2023, 11, 6), span("as mentioned on November 6, 2023?").from());
    assertEquals(LocalDate.of(2023, 12, 1), span("Where was the picture shared on December 1,2023 taken?").from());
    assertEquals(new Span(LocalDate.of(2023, 8, 1), LocalDate.of(2023, 8, 31)),
        span("What activity has Tim started learning in August 2023?"));
    assertEquals(new Span(LocalDate.of(2024, 2, 1), LocalDate.of(2024, 2, 29)), span("in February 2024"));
    assertEquals(new Span(LocalDate.of(2024, 1, 1), LocalDate.of(2024, 12, 31)),
        span("What charity event did John organize recently in 2024?"));
  }

  @Test
  void findsNothingWhereNoDateIsNamed() {
    assertTrue(QuestionDates.find("When did Caroline go to the support group?").isEmpty());
    assertTrue(QuestionDates.find("What kind of deal did John get in December?").isEmpty());
    assertTrue(QuestionDates.find("on 31 February, 2023").isEmpty());
  }

  @Test
  void spansAllowSlack() {
    Span day = new Span(LocalDate.of(2023, 5, 10), LocalDate.of(2023, 5, 10));
    assertTrue(day.contains(LocalDate.of(2023, 5, 13), 3));
    assertFalse(day.contains(LocalDate.of(2023, 5, 14), 3));
    assertTrue(day.contains(LocalDate.of(2023, 5, 7), 3));
    assertFalse(day.contains(LocalDate.of(2023, 5, 6), 3));
  }
}
