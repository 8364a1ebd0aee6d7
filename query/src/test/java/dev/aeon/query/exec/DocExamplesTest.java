package dev.aeon.query.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.aeon.query.lang.QueryException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Runs every example of docs/query-language.md against the {@link Conversation} trace the document
 * describes, so the document stays true: each {@code cypher} block is one statement; a {@code text}
 * block right after it is its result as {@link QueryResult#toString()} prints it (for EXPLAIN, the plan),
 * an {@code error} block the message of the {@link QueryException} it must fail with. A {@code cypher}
 * block with neither must still run without error. After a deliberate change of the language or of
 * the example trace, {@code -Daeon.docs.update=true} writes the actual results into the document's
 * blocks (then read the diff: it is what the document now claims).
 */
class DocExamplesTest extends OnConversation {

  private static final Path DOC = Path.of("../docs/query-language.md");
  private static final boolean UPDATE = Boolean.getBoolean("aeon.docs.update");


  /** A fenced block of the document: its language tag, its text and the line it starts on. */
  record Block(String lang, String text, int line) {}

  /** The parameters the document's examples use, as it lists them. */
  static Map<String, Object> params() {
    return Map.of("q", Conversation.embed("moving to Lisbon"), "from", Conversation.T0,
        "to", Conversation.T0 + 6 * Conversation.MINUTE, "t", Conversation.T0 + 10 * Conversation.MINUTE,
        "session", "conv-27");
  }

  @Test
  void everyExampleRunsAsDocumented() throws IOException {
    String markdown = Files.readString(DOC);
    List<Block> blocks = blocks(markdown);
    int statements = 0;
    List<String> failures = new ArrayList<>();
    List<String> lines = new ArrayList<>(markdown.lines().toList());
    int shift = 0;
    for (int i = 0; i < blocks.size(); i++) {
      Block b = blocks.get(i);
      if (!b.lang().equals("cypher")) {
        continue;
      }
      statements++;
      Block next = i + 1 < blocks.size() ? blocks.get(i + 1) : null;
      String expected = next != null && (next.lang().equals("text") || next.lang().equals("error")) ? next.text()
          : null;
      String actual;
      boolean failed = false;
      try {
        actual = b.text().startsWith("EXPLAIN") ? c.trace.explain(b.text(), params())
            : c.trace.query(b.text(), params()).toString();
      } catch (QueryException e) {
        actual = e.getMessage();
        failed = true;
      }
      boolean wantError = next != null && next.lang().equals("error");
      if (UPDATE && expected != null && !expected.equals(actual)) {
        List<String> body = lines.subList(next.line() + shift, next.line() + shift + (int) next.text().lines().count());
        int before = body.size();
        body.clear();
        body.addAll(actual.lines().toList());
        lines.set(next.line() + shift - 1, "```" + (failed ? "error" : "text"));
        shift += body.size() - before;
        continue;
      }
      if (failed != wantError || (expected != null && !expected.equals(actual))) {
        failures.add("line " + b.line() + ": " + b.text() + "\n--- expected (" + (wantError ? "error" : "result")
            + ")\n" + expected + "\n--- actual\n" + actual);
      }
    }
    if (UPDATE) {
      Files.writeString(DOC, String.join("\n", lines) + "\n");
    }
    if (!failures.isEmpty()) {
      fail(failures.size() + " example(s) of " + DOC + " do not match:\n\n" + String.join("\n\n", failures));
    }
    assertTrue(statements >= 20, "only " + statements + " examples found");
  }

  @Test
  void theFiveStatementsOfTheIssueAreDocumented() throws IOException {
    List<String> cypher = blocks(Files.readString(DOC)).stream().filter(b -> b.lang().equals("cypher"))
        .map(Block::text).toList();
    for (String s : List.of(
        "MATCH (e:user {session: 'conv-26'}) RETURN e.text ORDER BY e.ts DESC LIMIT 5",
        "CALL recall($q, 5) YIELD event, score MATCH (event)-[:NEXT*1..2]->(n) RETURN event.text, score, "
        + "collect(n.text)",
        "MATCH (e)-[:REFERS_TO]->(m) WHERE e.ts BETWEEN $from AND $to RETURN m, count(e) ORDER BY count(e) DESC",
        "MATCH (a:assistant)<-[:NEXT]-(u:user) WHERE u.text CONTAINS 'Lisbon' RETURN a.text",
        "MATCH (f)-[r:SUPERSEDES]->(g) AS OF $t RETURN f, g")) {
      assertTrue(cypher.contains(s), "docs/query-language.md must show: " + s);
    }
  }

  static List<Block> blocks(String markdown) {
    List<Block> out = new ArrayList<>();
    List<String> lines = markdown.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i);
      if (!l.startsWith("```") || l.length() == 3) {
        continue;
      }
      String lang = l.substring(3).strip();
      int start = i + 1;
      int end = start;
      while (end < lines.size() && !lines.get(end).equals("```")) {
        end++;
      }
      out.add(new Block(lang, String.join("\n", lines.subList(start, end)), start));
      i = end;
    }
    return out;
  }

  @Test
  void blockParsing() {
    List<Block> b = blocks("x\n```cypher\nMATCH (e)\nRETURN e\n```\n\n```text\ne\n(0 rows)\n```\n```\nplain\n```\n");
    assertEquals(List.of(new Block("cypher", "MATCH (e)\nRETURN e", 2), new Block("text", "e\n(0 rows)", 7)), b);
  }
}
