package dev.aeon.bench.ann;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Extracts the glosses (definitions and examples) of WordNet 3.0 {@code data.*} files: each synset line
 * ends with {@code | gloss}; the licence header's lines start with two spaces and are skipped.
 */
final class WordNetGlosses {

  private WordNetGlosses() {}

  /** The gloss of one line, or null for a header line or a line without a gloss. */
  static String gloss(String line) {
    if (line.startsWith("  ")) {
      return null;
    }
    int bar = line.indexOf("| ");
    if (bar < 0) {
      return null;
    }
    String g = line.substring(bar + 2).strip();
    return g.isEmpty() ? null : g;
  }

  /** Appends the glosses of every line of {@code in} to {@code out}. */
  static void readAll(BufferedReader in, List<String> out) throws IOException {
    for (String line; (line = in.readLine()) != null; ) {
      String g = gloss(line);
      if (g != null) {
        out.add(g);
      }
    }
  }

  static List<String> readAll(BufferedReader in) throws IOException {
    List<String> out = new ArrayList<>();
    readAll(in, out);
    return out;
  }
}
