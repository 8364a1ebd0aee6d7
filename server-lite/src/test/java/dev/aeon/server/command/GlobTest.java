package dev.aeon.server.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Glob cases, most checked against Redis' own {@code stringmatchlen}; characters, not bytes, are matched. */
class GlobTest {

  @ParameterizedTest(name = "''{0}'' on ''{1}'' -> {2}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "*        | \"\"     | true",
        "\"\"       | a        | false",
        "a*b      | axxb     | true",
        "a*b      | axxbx    | false",
        "*a*b*    | xxaxxbxx | true",
        "?        | a        | true",
        "?        | ab       | false",
        "s\\*     | s*       | true",
        "s\\*     | sx       | false",
        "[abc]    | b        | true",
        "[abc]    | d        | false",
        "[a-c]x   | bx       | true",
        // A reversed range is read with its ends swapped.
        "[c-a]x   | bx       | true",
        "[^a-c]   | b        | false",
        "[^a-c]   | d        | true",
        // '\' escapes inside brackets too: ']' and '-' as members.
        "a[\\]]b  | a]b      | true",
        "a[\\]]b  | a\\b     | false",
        "[a\\-z]  | -        | true",
        "[a\\-z]  | m        | false",
        // '-' last in a class is a member.
        "[a-]     | -        | true",
        "[]       | a        | false",
        "[^]      | a        | true",
        // An unclosed class runs to the end of the pattern.
        "x[ab     | xb       | true",
        "x[ab     | x[       | false",
        // Characters, not UTF-16 units: an emoji is one character.
        "?        | \uD83D\uDE00 | true",
        "??       | \uD83D\uDE00 | false",
        "caf?     | café     | true",
        "[\uD83D\uDE00-\uD83D\uDE4F] | \uD83D\uDE03 | true",
      })
  void matches(String pattern, String text, boolean expected) {
    assertEquals(expected, Glob.of(pattern).matches(text));
  }
}
