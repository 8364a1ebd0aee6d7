package dev.aeon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.embed.ModelSpec;
import dev.aeon.server.command.CommandSpec;
import dev.aeon.server.command.CommandTable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * docs/server.md against the server itself, where a change of one would otherwise leave the other behind without a
 * failing test: every command the server answers is documented and every {@code MEM.*} command documented is
 * answered; every field of {@code MEM.STATS} is named in its row; every option of {@code ./aeon serve} is in its table,
 * with the default that the server takes.
 */
class DocsCoverTheServerTest {

  @RegisterExtension static final SharedServer server = new SharedServer();

  private static final String DOC = "docs/server.md";

  @Test
  void everyCommandTheServerAnswersIsDocumented() throws IOException {
    String doc = DocsExamplesTest.markdown(DOC);
    List<String> undocumented = new ArrayList<>();
    for (CommandSpec spec : CommandTable.standard(Runnable::run).all()) {
      String name = spec.name().toUpperCase(Locale.ROOT);
      // as a command is shown: `PING`, `VADD key ...`, `CLIENT ID|GETNAME|...`
      if (!Pattern.compile("`" + Pattern.quote(name) + "[` ]").matcher(doc).find()) {
        undocumented.add(name);
      }
    }
    assertEquals(List.of(), undocumented, DOC + " does not show these commands of the server");
  }

  @Test
  void everyMemCommandTheDocsNameIsOneTheServerAnswers() throws IOException {
    TreeSet<String> named = new TreeSet<>();
    for (String file : List.of(DOC, "README.md")) {
      Matcher m = Pattern.compile("\\bMEM\\.[A-Za-z]+").matcher(DocsExamplesTest.markdown(file));
      while (m.find()) {
        named.add(m.group().toLowerCase(Locale.ROOT));
      }
    }
    CommandTable table = CommandTable.standard(Runnable::run);
    named.removeIf(name -> table.get(name) != null);
    assertEquals(new TreeSet<>(), named, "commands the docs name that the server does not know");
  }

  /**
   * Every field MEM.STATS answers is named in its row of the docs' table of MEM commands (in backticks): a counter
   * added to the server is documented with it.
   */
  @Test
  void everyFieldOfMemStatsIsDocumented() throws Exception {
    String doc = DocsExamplesTest.markdown(DOC);
    Matcher row = Pattern.compile("(?m)^\\| `MEM\\.STATS` \\|.*$").matcher(doc);
    assertTrue(row.find(), "no row of MEM.STATS in " + DOC);
    Map<?, ?> stats;
    try (RespClient c = server.resp3("0")) {
      stats = (Map<?, ?>) c.call("MEM.STATS");
    }
    List<String> undocumented = new ArrayList<>();
    for (Object field : stats.keySet()) {
      if (!row.group().contains("`" + field + "`")) {
        undocumented.add((String) field);
      }
    }
    assertEquals(List.of(), undocumented, "fields of MEM.STATS its row of " + DOC + " does not name");
  }

  /** The synopsis the docs show is the one {@code ./aeon serve --help} prints, option for option. */
  @Test
  void theDocumentedSynopsisIsThatOfTheHelp() throws IOException {
    List<String> help = bracketed(ServerMain.USAGE.substring(0, ServerMain.USAGE.indexOf("\n  every option")));
    String doc = DocsExamplesTest.markdown(DOC);
    List<String> documented = DocsExamplesTest.block(doc, "## Running it").stream()
        .flatMap(line -> bracketed(line).stream()).toList();
    assertEquals(help, documented, "the synopsis under 'Running it' of " + DOC);
  }

  /**
   * Each option of the table is one the server reads, each option it reads is in the table, and the default the
   * table and {@code --help} give is the server's own: giving it changes nothing.
   */
  @Test
  void everyOptionIsDocumentedWithTheDefaultTheServerTakes() throws IOException {
    Map<String, String> table = optionTable(DocsExamplesTest.markdown(DOC));
    Map<String, String> help = helpDefaults();
    assertEquals(new TreeSet<>(help.keySet()), new TreeSet<>(table.keySet()),
        "the options of the table of " + DOC + " and of ./aeon serve --help");
    ServerMain.CommandLine defaults = ServerMain.parse(new String[0]);
    for (Map.Entry<String, String> row : table.entrySet()) {
      String option = row.getKey();
      String documented = row.getValue();
      if (documented.startsWith("none")) { // no value: the option is off unless given
        assertEquals("none", help.get(option), option + " has a default in --help, none in " + DOC);
        continue;
      }
      assertEquals(documented, help.get(option), "the default of " + option + " in " + DOC + " and in --help");
      ServerMain.CommandLine given = ServerMain.parse(new String[] {option, documented});
      assertEquals(normalized(defaults.config()), normalized(given.config()),
          option + " " + documented + ", its documented default, changes the server's configuration");
      assertEquals(ModelSpec.named(defaults.embedder()), ModelSpec.named(given.embedder()),
          option + " " + documented + ", its documented default, changes the embedder");
    }
  }

  /** The bracketed options of a synopsis: {@code [--port P]}, ... */
  private static List<String> bracketed(String text) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("\\[--[^]]*]").matcher(text);
    while (m.find()) {
      out.add(m.group());
    }
    return out;
  }

  /** The docs' table of options: option to its default column, backticks removed. */
  private static Map<String, String> optionTable(String doc) {
    Map<String, String> out = new LinkedHashMap<>();
    Matcher m = Pattern.compile("(?m)^\\| `(--[a-z-]+)` \\| ([^|]*) \\|").matcher(doc);
    while (m.find()) {
      out.put(m.group(1), m.group(2).replace("`", "").strip());
    }
    assertTrue(out.size() >= 10, "no table of options found in " + DOC + ": " + out);
    return out;
  }

  /**
   * The default {@code --help} gives each option: "(default X" or "X (default)" in the lines that describe it, or
   * "none" where it gives none.
   */
  private static Map<String, String> helpDefaults() {
    Map<String, String> out = new LinkedHashMap<>();
    String help = ServerMain.USAGE.substring(ServerMain.USAGE.indexOf("every option"));
    Matcher option = Pattern.compile("(?m)^ {2}(--[a-z-]+)").matcher(help);
    List<int[]> starts = new ArrayList<>();
    List<String> names = new ArrayList<>();
    while (option.find()) {
      names.add(option.group(1));
      starts.add(new int[] {option.start()});
    }
    for (int i = 0; i < names.size(); i++) {
      int end = i + 1 < names.size() ? starts.get(i + 1)[0] : help.length();
      String text = help.substring(starts.get(i)[0], end);
      Matcher before = Pattern.compile("\\(default ([^;)]+)").matcher(text);
      Matcher after = Pattern.compile("([^\\s(]+) \\(default\\)").matcher(text);
      out.put(names.get(i), before.find() ? before.group(1).strip() : after.find() ? after.group(1) : "none");
    }
    return out;
  }

  /** A configuration with its data directory normalised: {@code ./aeon-data} is {@code aeon-data}. */
  private static ServerConfig normalized(ServerConfig c) {
    return c.withDir(c.dir().normalize());
  }
}
