package dev.aeon.bench.contention;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How near a paced {@link ChurnWriter} came to the pairs per second it was asked for: {@code pairs} remembered (and
 * their forgets tried) in the {@code seconds} it ran. Under load a SYNC writer can fall well short (102-114 of 200
 * pairs/s was seen on 2 busy cores): the readers of that phase were then beside a lighter writer than the phase is
 * named for, which a reader of the figures must be told. Short is under {@link #SHORT_BELOW} of the pace; a writer
 * flat out (asked for 0, no pace) never is.
 */
record WriterPace(double askedPairsPerSecond, long pairs, double seconds) {

  /** A writer under this share of its pace fell short of it. */
  static final double SHORT_BELOW = 0.9;

  double achievedPairsPerSecond() {
    return seconds > 0 ? pairs / seconds : 0;
  }

  /** Achieved over asked; NaN for a writer flat out. */
  double fraction() {
    return askedPairsPerSecond > 0 ? achievedPairsPerSecond() / askedPairsPerSecond : Double.NaN;
  }

  boolean fellShort() {
    return askedPairsPerSecond > 0 && achievedPairsPerSecond() < SHORT_BELOW * askedPairsPerSecond;
  }

  /** One console line: the pace made, or a warning that it was not. */
  String describe() {
    String made = String.format(Locale.ROOT, "%.0f of the %.0f pairs/s asked (%.0f%%", achievedPairsPerSecond(),
        askedPairsPerSecond, 100 * fraction());
    return fellShort()
        ? String.format(Locale.ROOT, "WARNING: the paced writer fell short of its pace: %s, under %.0f%%): the"
            + " readers of this phase were beside a lighter writer than asked", made, 100 * SHORT_BELOW)
        : "the paced writer made " + made + ")";
  }

  /**
   * The JSON's {@code writer_pairs_per_s_achieved}, {@code writer_pace_fraction}, {@code writer_fell_short_of_pace}.
   */
  Map<String, Object> json() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("writer_pairs_per_s_achieved", Math.round(achievedPairsPerSecond()));
    m.put("writer_pace_fraction", Double.isNaN(fraction()) ? null : Math.round(fraction() * 100) / 100.0);
    m.put("writer_fell_short_of_pace", fellShort());
    return m;
  }
}
