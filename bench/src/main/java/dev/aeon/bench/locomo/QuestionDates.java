package dev.aeon.bench.locomo;

import java.time.LocalDate;
import java.time.YearMonth;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Date resolution for questions: finds the calendar span a question is about ("on 16 November, 2023",
 * "on November 6, 2023", "in August 2023", "in 2024"), so recall can favour what was said then.
 */
final class QuestionDates {

  /** An inclusive span of days. */
  record Span(LocalDate from, LocalDate to) {
    boolean contains(LocalDate day, int slackDays) {
      return !day.isBefore(from.minusDays(slackDays)) && !day.isAfter(to.plusDays(slackDays));
    }
  }

  private static final List<String> MONTHS = List.of("january", "february", "march", "april", "may", "june",
      "july", "august", "september", "october", "november", "december");
  private static final String MONTH = "(" + String.join("|", MONTHS) + ")";
  private static final String DAY = "(\\d{1,2})(?:st|nd|rd|th)?";
  private static final String YEAR = "((?:19|20)\\d\\d)";

  private static final Pattern DAY_MONTH_YEAR = Pattern.compile("\\b" + DAY + "\\s+" + MONTH + ",?\\s*" + YEAR + "\\b");
  private static final Pattern MONTH_DAY_YEAR = Pattern.compile("\\b" + MONTH + "\\s+" + DAY + ",\\s*" + YEAR + "\\b");
  private static final Pattern MONTH_YEAR = Pattern.compile("\\b" + MONTH + ",?\\s+" + YEAR + "\\b");
  private static final Pattern YEAR_ONLY = Pattern.compile("\\b" + YEAR + "\\b");

  private QuestionDates() {}

  /** The most precise span the question names, if any. */
  static Optional<Span> find(String question) {
    String q = question.toLowerCase(Locale.ROOT);
    Matcher m = DAY_MONTH_YEAR.matcher(q);
    if (m.find()) {
      return day(m.group(3), m.group(2), m.group(1));
    }
    m = MONTH_DAY_YEAR.matcher(q);
    if (m.find()) {
      return day(m.group(3), m.group(1), m.group(2));
    }
    m = MONTH_YEAR.matcher(q);
    if (m.find()) {
      YearMonth month = YearMonth.of(Integer.parseInt(m.group(2)), MONTHS.indexOf(m.group(1)) + 1);
      return Optional.of(new Span(month.atDay(1), month.atEndOfMonth()));
    }
    m = YEAR_ONLY.matcher(q);
    if (m.find()) {
      int year = Integer.parseInt(m.group(1));
      return Optional.of(new Span(LocalDate.of(year, 1, 1), LocalDate.of(year, 12, 31)));
    }
    return Optional.empty();
  }

  private static Optional<Span> day(String year, String month, String day) {
    try {
      LocalDate d = LocalDate.of(Integer.parseInt(year), MONTHS.indexOf(month) + 1, Integer.parseInt(day));
      return Optional.of(new Span(d, d));
    } catch (java.time.DateTimeException e) {
      return Optional.empty(); // "31 February": not a date, so no span
    }
  }
}
