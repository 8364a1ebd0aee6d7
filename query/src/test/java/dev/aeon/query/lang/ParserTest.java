package dev.aeon.query.lang;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class ParserTest {

  private static QueryException fails(String src) {
    return assertThrows(QueryException.class, () -> Parser.parse(src));
  }

  @Test
  void errorNamesLineColumnAndShowsACaret() {
    QueryException e = fails("MATCH (e:user\nRETURN e");
    assertEquals(2, e.line());
    assertEquals(1, e.column());
    assertEquals("line 2, column 1: expected ')' but found 'RETURN'\n  RETURN e\n  ^", e.getMessage());
    assertEquals("expected ')' but found 'RETURN'", e.reason());
  }

  @Test
  void caretPointsIntoTheLine() {
    QueryException e = fails("MATCH (e) WHERE e.ts >< 3 RETURN e");
    assertEquals(1, e.line());
    assertEquals(23, e.column());
    assertTrue(e.getMessage().endsWith("\n  MATCH (e) WHERE e.ts >< 3 RETURN e\n" + " ".repeat(24) + "^"),
        e.getMessage());
  }

  /** A name quoted with backticks is a name, never a keyword or a literal: that is what the quotes are for. */
  @Test
  void aNameInBackticksIsNeverAKeyword() {
    for (String name : List.of("true", "false", "null", "NOT", "distinct", "CASE", "exists")) {
      Statement s = Parser.parse("UNWIND [1] AS `" + name + "` RETURN `" + name + "`");
      assertEquals(new Expr.Var(name, 24 + name.length()), s.ret().items().getFirst().expr(), name);
    }
    Statement s = Parser.parse("MATCH (`true` {id: 4}) RETURN count(`distinct`), [`null` IN [1] | `null`]");
    List<Statement.Item> items = s.ret().items();
    assertEquals(new Expr.Call("count", false, false, List.of(new Expr.Var("distinct", 36)), 30), items.get(0).expr());
    assertInstanceOf(Expr.Comprehension.class, items.get(1).expr());
    // unquoted, they are what they always were
    assertEquals(new Expr.Literal(null, 7), Parser.parse("RETURN null").ret().items().getFirst().expr());
  }

  /**
   * Keywords and function names are matched in ASCII, as Redis matches its commands: Java's case folding took {@code
   * A\u017F} (long s, upper-cased to S) for AS and a Kelvin sign for k, names no one writes for them.
   */
  @Test
  void keywordsAndFunctionNamesAreMatchedInAscii() {
    assertEquals(new Expr.Var("x", 23), Parser.parse("UNWIND [1] As x RETURN x").ret().items().getFirst().expr());
    fails("UNWIND [1] A\u017F x RETURN x");
    fails("MATCH (e) RETURN DI\u017FTINCT e");
    Expr.Call called = (Expr.Call) Parser.parse("RETURN Si\u212Ae([1])").ret().items().getFirst().expr();
    assertEquals("si\u212Ae", called.name(), "a name with a letter outside ASCII is not size()");
  }

  /**
   * The column counts characters, as size() does, not the UTF-16 units of Java's strings: a character beyond U+FFFF
   * before the error moved the column, and the caret, one too far right, and an excerpt could cut it in half.
   */
  @Test
  void theColumnCountsCharacters() {
    String smile = "\uD83D\uDE00";
    QueryException e = fails("RETURN '" + smile + smile + "' x");
    assertEquals(13, e.column());
    assertEquals("line 1, column 13: expected end of statement but found 'x'\n  RETURN '" + smile + smile + "' x\n"
        + " ".repeat(14) + "^", e.getMessage());
    // the excerpt starts 60 characters before the caret: 60 UTF-16 units back was the second half of the pair
    QueryException far = fails("RETURN '" + smile + "b".repeat(57) + "' x");
    assertEquals(69, far.column());
    assertEquals("line 1, column 69: expected end of statement but found 'x'\n  ..." + smile + "b".repeat(57) + "' x\n"
        + " ".repeat(2 + 3 + 60) + "^", far.getMessage());
  }

  /**
   * A character that prints as nothing, or as a space, is named by its code: a no-break space or a zero-width space
   * pasted with a statement would else make the message "unexpected character ' '" (or "''").
   */
  @Test
  void anInvisibleCharacterIsNamedByItsCode() {
    assertEquals("unexpected character '\\u00a0'", fails("MATCH (e)\u00a0RETURN e").reason());
    assertEquals("unexpected character '\\u202f'", fails("MATCH (e) RETURN\u202fe").reason());
    assertEquals("unexpected character '\\u200b'", fails("MATCH (e)\u200b RETURN e").reason());
    assertEquals("unexpected character '\\ufeff'", fails("\ufeffMATCH (e) RETURN e").reason());
    assertEquals("unexpected character '\\u0007'", fails("MATCH (e) RETURN \u0007").reason());
    assertEquals("unexpected character '#'", fails("MATCH (e) RETURN #").reason());
  }

  @Test
  void lexicalErrors() {
    assertEquals("unterminated string", fails("MATCH (e) WHERE e.text = 'abc RETURN e").reason());
    assertEquals("unknown escape '\\q'", fails("MATCH (e) WHERE e.text = 'a\\q' RETURN e").reason());
    assertEquals("integer 99999999999999999999 does not fit in 64 bits",
        fails("MATCH (e) RETURN 99999999999999999999").reason());
    assertEquals("number 1e400 is too large", fails("MATCH (e) RETURN 1e400").reason());
    // a nonzero number nearer to 0 than any double would be 0.0: refused as 1e400 is, not a different value
    assertEquals("number 1e-400 is too small (it would be 0.0)", fails("MATCH (e) RETURN 1e-400").reason());
    assertEquals("number 0." + "0".repeat(25) + "... is too small (it would be 0.0)",
        fails("MATCH (e) RETURN -0." + "0".repeat(400) + "1").reason());
    // zero written any way is zero, and a number rounded to a double (a subnormal one too) keeps its value
    for (String kept : new String[] {"0e-400", "0.000e999", "1e-320", "4.9e-324", "0.1000000000000000000001"}) {
      assertEquals(new Expr.Literal(Double.parseDouble(kept), 7),
          Parser.parse("RETURN " + kept).ret().items().getFirst().expr(), kept);
    }
    assertEquals("unexpected character '#'", fails("MATCH (e) RETURN #").reason());
    assertEquals("expected a parameter name after '$'", fails("MATCH (e) RETURN $").reason());
    assertEquals("unterminated comment", fails("MATCH (e) /* RETURN e").reason());
    // four hex digits, no sign: Integer.parseInt took "+041" for 'A' and "-001" for U+FFFF
    assertEquals("bad unicode escape", fails("MATCH (e) RETURN '\\u+041'").reason());
    assertEquals("bad unicode escape", fails("MATCH (e) RETURN '\\u-001'").reason());
    assertEquals("bad unicode escape", fails("MATCH (e) RETURN '\\u12'").reason());
    // half of a surrogate pair alone is not text: a reply in UTF-8 would carry it as '?'
    QueryException lone = fails("MATCH (e) RETURN 'a\\ud83d'");
    assertEquals("unpaired surrogate \\uD83D in a string: a character beyond U+FFFF is escaped as a pair, as"
        + " \\uD83D\\uDE00", lone.reason());
    assertEquals(20, lone.column(), "the escape");
    QueryException reversed = fails("MATCH (e) RETURN \"\\uDE00\\uD83D\"");
    assertEquals("unpaired surrogate \\uDE00 in a string: a character beyond U+FFFF is escaped as a pair, as"
        + " \\uD83D\\uDE00", reversed.reason());
    assertEquals(19, reversed.column());
    assertEquals("unpaired surrogate \\uD83D in a string: a character beyond U+FFFF is escaped as a pair, as"
        + " \\uD83D\\uDE00", fails("MATCH (e) RETURN '\\uD83D\\n'").reason());
  }

  @Test
  void lettersBeyondTheBasicPlaneMakeNames() {
    String x = "\uD835\uDCB3"; // MATHEMATICAL SCRIPT CAPITAL X: one letter, two chars, neither a letter alone
    Statement s = Parser.parse("MATCH (" + x + "1) RETURN " + x + "1.id, $" + x);
    assertEquals(x + "1", ((Statement.Match) s.clauses().getFirst()).paths().getFirst().nodes().getFirst().var());
    assertEquals(new Expr.Param(x, s.source().indexOf('$')), s.ret().items().get(1).expr());
    assertEquals("unexpected character '\uD83D\uDE00'", fails("MATCH (e) RETURN \uD83D\uDE00").reason());
    assertEquals("unexpected '" + x + "' after number", fails("MATCH (e) RETURN 1" + x).reason());
  }

  @Test
  void syntaxErrors() {
    assertEquals("expected MATCH, OPTIONAL MATCH, CALL, UNWIND, WITH or RETURN but found end of input",
        fails("").reason());
    assertEquals("expected MATCH, OPTIONAL MATCH, CALL, UNWIND, WITH or RETURN but found end of input",
        fails("MATCH (e)").reason());
    assertTrue(fails("MATCH (a)-[:NEXT*]->(b) RETURN b").reason().startsWith(
        "variable-length relationship needs an upper bound"));
    assertEquals("at most 32 hops, not 99", fails("MATCH (a)-[:NEXT*1..99]->(b) RETURN b").reason());
    assertEquals("empty hop range *3..2", fails("MATCH (a)-[:NEXT*3..2]->(b) RETURN b").reason());
    // a bound that is there but no hop count was "needs an upper bound" too, which the statement has
    QueryException negative = fails("MATCH (a)-[:NEXT*-1..2]->(b) RETURN b");
    assertEquals("expected a number of hops (an integer, as in *1..3) but found '-'", negative.reason());
    assertEquals(18, negative.column());
    assertEquals("expected a number of hops (an integer, as in *1..3) but found '2.5'",
        fails("MATCH (a)-[:NEXT*1..2.5]->(b) RETURN b").reason());
    assertEquals("expected a number of hops (an integer, as in *1..3) but found parameter $n",
        fails("MATCH (a)-[:NEXT*1..$n]->(b) RETURN b").reason());
    assertTrue(fails("MATCH (a)-[:NEXT*0..]->(b) RETURN b").reason().startsWith(
        "variable-length relationship needs an upper bound"));
    assertTrue(fails("MATCH (a)-[:NEXT* {k: 1}]->(b) RETURN b").reason().startsWith(
        "variable-length relationship needs an upper bound"));
    // comparisons do not chain (one per operand): the reason said a clause or the end was expected
    String chained = "comparisons do not chain: join them with AND, as in a < b AND b < c";
    QueryException chain = fails("MATCH (e)\nWHERE e.id = 'x' +\n  1 < 2\nRETURN e");
    assertEquals(chained, chain.reason());
    assertEquals(3, chain.line());
    assertEquals(5, chain.column());
    assertEquals(chained, fails("RETURN 1 < 2 < 3").reason());
    assertEquals(chained, fails("RETURN 1 IN [1] = true").reason());
    assertEquals(chained, fails("RETURN 1 BETWEEN 0 AND 2 <> false").reason());
    assertEquals(chained, fails("RETURN 1 IS NULL = false").reason());
    assertEquals(List.of(), Parser.parse("RETURN (1 < 2) = true").clauses());
    // a named path, which Cypher has, read "expected '(' but found 'p'"
    QueryException named = fails("MATCH p = (a)-[:NEXT]->(b) RETURN p");
    assertEquals("named paths (p = ...) are not supported: name the relationships, as in (a)-[r:NEXT*1..3]->(b),"
        + " and return them", named.reason());
    assertEquals(7, named.column());
    assertEquals(named.reason(), fails("MATCH (x), p = (a)-->(b) RETURN p").reason());
    assertEquals(named.reason(), fails("MATCH (x) WHERE EXISTS { p = (x)-->() } RETURN x").reason());
    assertEquals("expected '(' but found 'p'", fails("MATCH p RETURN p").reason());
    assertEquals("RETURN * is not supported: name the expressions", fails("MATCH (a) RETURN *").reason());
    assertEquals("expected end of statement but found 'x'", fails("MATCH (a) RETURN a x").reason());
    assertEquals("expected '-' or '->' to end the relationship but found '('",
        fails("MATCH (a)-[r](b) RETURN a").reason());
    assertEquals("property 'k' given twice", fails("MATCH (a {k: 1, k: 2}) RETURN a").reason());
    assertEquals("only count accepts *", fails("MATCH (a) RETURN max(*)").reason());
  }

  @Test
  void deepNestingIsAnErrorNotAStackOverflow() {
    String deep = "MATCH (a) RETURN " + "(".repeat(5000) + "1" + ")".repeat(5000);
    assertTrue(fails(deep).reason().startsWith("expression nested more than"));
    assertTrue(fails("MATCH (a) RETURN " + "-".repeat(5000) + "1").reason().startsWith("expression nested more than"));
    assertEquals("integer 9223372036854775808 does not fit in 64 bits",
        fails("MATCH (a) RETURN 1 -9223372036854775808").reason());
    assertTrue(fails("MATCH (a) WHERE " + "NOT ".repeat(5000) + "true RETURN a").reason().startsWith(
        "expression nested more than"));
  }

  /**
   * Where the stack left is too small for the deepest statement accepted, running out of it is an error, not a crash.
   */
  @Test
  void runningOutOfStackIsAnError() throws InterruptedException {
    String deepest = "RETURN " + "(".repeat(Parser.MAX_DEPTH - 1) + "1" + ")".repeat(Parser.MAX_DEPTH - 1);
    StackLeft.runsOutAsAQueryError(run -> Parser.parse(deepest));
    assertInstanceOf(Expr.Literal.class, Parser.parse(deepest).ret().items().getFirst().expr()); // on a usual stack
  }

  @Test
  void patternsAndClauses() {
    Statement s = Parser.parse("explain optional match (a:user:vip {session: $s})<-[r:A|:B *0..2]-(b), (c)-->(d)"
        + " as of $t where a.ts between 1 and 2 return distinct a.id as id, count(*) order by id desc skip 1 limit 2;");
    assertTrue(s.explain());
    Statement.Match m = (Statement.Match) s.clauses().getFirst();
    assertTrue(m.optional());
    assertEquals(2, m.paths().size());
    Statement.NodePattern a = m.paths().getFirst().nodes().getFirst();
    assertEquals(List.of("user", "vip"), a.labels());
    assertEquals(new Expr.Param("s", 45), a.props().get("session"));
    Statement.RelPattern r = m.paths().getFirst().rels().getFirst();
    assertEquals(Statement.Dir.IN, r.dir());
    assertEquals(List.of("A", "B"), r.types());
    assertTrue(r.varLength());
    assertEquals(0, r.min());
    assertEquals(2, r.max());
    Statement.RelPattern anon = m.paths().get(1).rels().getFirst();
    assertEquals(Statement.Dir.OUT, anon.dir());
    assertTrue(anon.anonymous());
    assertInstanceOf(Expr.Between.class, m.where());
    assertInstanceOf(Expr.Param.class, m.asOf());
    assertTrue(s.ret().distinct());
    assertEquals("id", s.ret().items().getFirst().column());
    assertEquals("count(*)", s.ret().items().get(1).column());
    assertTrue(s.ret().order().getFirst().descending());
  }

  @Test
  void precedenceOfOperators() {
    Statement s = Parser.parse("MATCH (a) WHERE NOT a.x = 1 OR a.y < 2 AND a.z IS NOT NULL RETURN 1 + 2 * 3 - -4");
    Expr w = ((Statement.Match) s.clauses().getFirst()).where();
    assertEquals("((NOT (a.x = 1)) OR ((a.y < 2) AND (a.z IS NOT NULL)))", Expr.render(w));
    assertEquals("((1 + (2 * 3)) - (-4))", Expr.render(s.ret().items().getFirst().expr()));
    assertEquals("1 + 2 * 3 - -4", s.ret().items().getFirst().column());
  }

  @Test
  void literalsAndEscapes() {
    Statement s =
        Parser.parse(
            "MATCH (a) RETURN 'it\\'s', \"x\\ty\", 1.5e3, -9223372036854775808, [1, 'a'], {k: null}, `weird name`");
    List<Statement.Item> items = s.ret().items();
    assertEquals("it's", ((Expr.Literal) items.get(0).expr()).value());
    assertEquals("x\ty", ((Expr.Literal) items.get(1).expr()).value());
    assertEquals(1500.0, ((Expr.Literal) items.get(2).expr()).value());
    assertEquals(Long.MIN_VALUE, ((Expr.Literal) items.get(3).expr()).value());
    assertInstanceOf(Expr.ListLit.class, items.get(4).expr());
    assertInstanceOf(Expr.MapLit.class, items.get(5).expr());
    assertEquals(new Expr.Var("weird name", 84), items.get(6).expr());
  }
}
