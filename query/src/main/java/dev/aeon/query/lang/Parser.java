package dev.aeon.query.lang;

import dev.aeon.common.AsciiCase;
import dev.aeon.query.lang.Expr.Op;
import dev.aeon.query.lang.Statement.Dir;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Hand-written recursive-descent parser of the grammar in docs/query-language.md. */
public final class Parser {

  /** Deepest nesting of expressions accepted (keeps the parser's stack bounded for any input). */
  static final int MAX_DEPTH = 200;
  /**
   * Most binary operators, property accesses and index accesses in one statement. Nesting is bounded
   * above, but a chain ({@code a + b + ...}, {@code e.a.b...}, {@code x AND y AND ...}) builds a tree as deep
   * as it is long, which checking, planning and evaluating recurse into: this bounds every tree's depth,
   * so that a statement never runs out of a thread's stack (which would be caught, but could leave a read
   * of the blob arena inside its epoch guard).
   */
  public static final int MAX_CHAINED = 500;
  /** Largest upper bound of a variable-length relationship. */
  public static final int MAX_HOPS = 32;
  /**
   * Most clauses, pattern elements (nodes, relationships, labels, property conditions), returned columns
   * and sort keys in one statement. Each pattern element and clause becomes a step of the pipeline, which
   * passes a row on by a call, and a sort key one link of the comparator: this bounds both depths (and
   * the width of the rows held), so that no statement runs out of stack or memory through its length.
   */
  public static final int MAX_PARTS = 300;

  private final String src;
  private final List<Token> tokens;
  private int at;
  private int depth;
  private int chained;
  private int parts;
  private int anonymous;

  private Parser(String src) {
    this.src = src;
    this.tokens = Lexer.tokenize(src);
  }

  /** Parses a statement; every problem is a {@link QueryException}. */
  public static Statement parse(String src) {
    if (src == null) {
      throw new QueryException("", 0, "no statement given");
    }
    try {
      return new Parser(src).statement();
    } catch (StackOverflowError e) {
      // MAX_DEPTH bounds the recursion for a thread's usual stack; this is the backstop for a very small one
      throw new QueryException(src, 0, "query too deep to evaluate");
    }
  }

  // ------------------------------------------------------------------------------------ clauses

  private Statement statement() {
    boolean explain = accept("EXPLAIN");
    List<Statement.Clause> clauses = new ArrayList<>();
    while (true) {
      Token t = peek();
      if (t.is("MATCH") || t.is("OPTIONAL")) {
        part(t.start());
        clauses.add(match());
      } else if (t.is("CALL")) {
        part(t.start());
        clauses.add(call());
      } else if (t.is("UNWIND")) {
        part(t.start());
        clauses.add(unwind());
      } else if (t.is("WITH")) {
        part(t.start());
        Statement.Return projection = returnClause();
        clauses.add(new Statement.With(projection, accept("WHERE") ? expr() : null));
      } else {
        break;
      }
    }
    if (!peek().is("RETURN")) { // RETURN alone evaluates its expressions once, as over one empty row
      throw error(peek(), "expected MATCH, OPTIONAL MATCH, CALL, UNWIND, WITH or RETURN but found "
          + peek().describe());
    }
    Statement.Return ret = returnClause();
    accept(TokenType.SEMICOLON);
    if (peek().type() != TokenType.EOF) {
      throw error(peek(), "expected end of statement but found " + peek().describe());
    }
    return new Statement(explain, clauses, ret, src);
  }

  private Statement.Match match() {
    int pos = peek().start();
    boolean optional = accept("OPTIONAL");
    expectKeyword("MATCH");
    return patterns(optional, pos);
  }

  /** {@code path, ... [AS OF expr] [WHERE expr]}: what follows MATCH (in a subquery too). */
  private Statement.Match patterns(boolean optional, int pos) {
    List<Statement.Path> paths = new ArrayList<>();
    do {
      paths.add(path());
    } while (accept(TokenType.COMMA));
    Expr asOf = null;
    if (peek().is("AS") && peek(1).is("OF")) {
      at += 2;
      asOf = expr();
    }
    Expr where = accept("WHERE") ? expr() : null;
    return new Statement.Match(optional, paths, asOf, where, pos);
  }

  private Statement.Call call() {
    int pos = next().start();
    String name = AsciiCase.lower(ident("a procedure name"));
    expect(TokenType.LPAREN);
    List<Expr> args = new ArrayList<>();
    if (!accept(TokenType.RPAREN)) {
      do {
        args.add(expr());
      } while (accept(TokenType.COMMA));
      expect(TokenType.RPAREN);
    }
    expectKeyword("YIELD");
    List<Statement.Yield> yields = new ArrayList<>();
    do {
      Token t = peek();
      String column = ident("a column to yield");
      String var = accept("AS") ? ident("a variable name") : column;
      yields.add(new Statement.Yield(column, var, t.start()));
    } while (accept(TokenType.COMMA));
    Expr where = accept("WHERE") ? expr() : null;
    return new Statement.Call(name, args, yields, where, pos);
  }

  private Statement.Unwind unwind() {
    int pos = next().start();
    Expr list = expr();
    expectKeyword("AS");
    return new Statement.Unwind(list, ident("a variable name"), pos);
  }

  /** RETURN's or WITH's projection, from its keyword. */
  private Statement.Return returnClause() {
    Token keyword = next();
    boolean distinct = accept("DISTINCT");
    if (peek().type() == TokenType.STAR) {
      throw error(peek(), AsciiCase.upper(keyword.text()) + " * is not supported: name the expressions");
    }
    List<Statement.Item> items = new ArrayList<>();
    do {
      int start = peek().start();
      part(start);
      Expr e = expr();
      int end = tokens.get(at - 1).end();
      if (accept("AS")) {
        items.add(new Statement.Item(e, ident("an alias"), true));
      } else {
        items.add(new Statement.Item(e, src.substring(start, end).strip(), false));
      }
    } while (accept(TokenType.COMMA));
    List<Statement.Sort> order = new ArrayList<>();
    if (accept("ORDER")) {
      expectKeyword("BY");
      do {
        part(peek().start());
        Expr e = expr();
        boolean desc = accept("DESC") || accept("DESCENDING");
        if (!desc && !accept("ASC")) {
          accept("ASCENDING");
        }
        order.add(new Statement.Sort(e, desc));
      } while (accept(TokenType.COMMA));
    }
    Expr skip = accept("SKIP") ? expr() : null;
    Expr limit = accept("LIMIT") ? expr() : null;
    return new Statement.Return(distinct, items, order, skip, limit, keyword.start());
  }

  // ----------------------------------------------------------------------------------- patterns

  private Statement.Path path() {
    if (peek().type() == TokenType.IDENT && peek(1).type() == TokenType.EQ) {
      // Cypher's named path: else "expected '(' but found 'p'", which does not say that paths have no names here
      throw error(peek(), "named paths (" + peek().text() + " = ...) are not supported: name the relationships,"
          + " as in (a)-[r:NEXT*1..3]->(b), and return them");
    }
    List<Statement.NodePattern> nodes = new ArrayList<>();
    List<Statement.RelPattern> rels = new ArrayList<>();
    nodes.add(node());
    while (peek().type() == TokenType.MINUS || peek().type() == TokenType.ARROW_LEFT) {
      rels.add(rel());
      nodes.add(node());
    }
    return new Statement.Path(nodes, rels);
  }

  private Statement.NodePattern node() {
    Token open = expect(TokenType.LPAREN);
    part(open.start());
    String var = peek().type() == TokenType.IDENT ? next().text() : null;
    List<String> labels = new ArrayList<>();
    while (accept(TokenType.COLON)) {
      part(peek().start());
      labels.add(ident("a label"));
    }
    Map<String, Expr> props = peek().type() == TokenType.LBRACE ? patternProperties() : Map.of();
    expect(TokenType.RPAREN);
    boolean anon = var == null;
    return new Statement.NodePattern(anon ? anonymousName() : var, anon, labels, props, open.start());
  }

  private Statement.RelPattern rel() {
    Token first = next();
    part(first.start());
    boolean left = first.type() == TokenType.ARROW_LEFT;
    String var = null;
    List<String> types = new ArrayList<>();
    boolean varLength = false;
    int min = 1;
    int max = 1;
    Map<String, Expr> props = Map.of();
    if (accept(TokenType.LBRACKET)) {
      var = peek().type() == TokenType.IDENT ? next().text() : null;
      if (accept(TokenType.COLON)) {
        do {
          accept(TokenType.COLON);
          types.add(ident("a relationship type"));
        } while (accept(TokenType.PIPE));
      }
      if (peek().type() == TokenType.STAR) {
        Token star = next();
        varLength = true;
        int[] range = range(star);
        min = range[0];
        max = range[1];
      }
      if (peek().type() == TokenType.LBRACE) {
        props = patternProperties();
      }
      expect(TokenType.RBRACKET);
    }
    Token last = peek();
    boolean right;
    if (accept(TokenType.ARROW_RIGHT)) {
      right = true;
    } else if (accept(TokenType.MINUS)) {
      right = false;
    } else {
      throw error(last, "expected '-' or '->' to end the relationship but found " + last.describe());
    }
    Dir dir = left == right ? Dir.BOTH : right ? Dir.OUT : Dir.IN;
    boolean anon = var == null;
    return new Statement.RelPattern(anon ? anonymousName() : var, anon, types, dir, varLength, min, max,
        props, first.start());
  }

  /**
   * The variable of an anonymous node or relationship: `anonN`, backticks included, which no statement can write (a
   * name quoted with backticks cannot hold one), so that no variable of the statement can be the same.
   */
  private String anonymousName() {
    return "`anon" + anonymous++ + "`";
  }

  /** The property map of a node or relationship pattern: each entry is a condition, counted as a part. */
  private Map<String, Expr> patternProperties() {
    Token open = peek();
    Map<String, Expr> props = mapLiteral().entries();
    for (int i = 0; i < props.size(); i++) {
      part(open.start());
    }
    return props;
  }

  /** Counts one part of the statement against {@link #MAX_PARTS}. */
  private void part(int pos) {
    if (++parts > MAX_PARTS) {
      throw new QueryException(src, pos, "more than " + MAX_PARTS
          + " clauses, pattern elements, returned columns and sort keys in one statement");
    }
  }

  private int[] range(Token star) {
    Integer min = peek().type() == TokenType.INTEGER ? hops(next()) : null;
    Integer max;
    if (accept(TokenType.DOTDOT)) {
      max = peek().type() == TokenType.INTEGER ? hops(next()) : null;
      min = min == null ? 1 : min;
    } else {
      max = min;
    }
    if (max == null && peek().type() != TokenType.RBRACKET && peek().type() != TokenType.LBRACE) {
      // a bound is there, but not an integer: saying it needs one would send the user looking for what they wrote
      throw error(peek(), "expected a number of hops (an integer, as in *1..3) but found " + peek().describe());
    }
    if (max == null) {
      throw error(star, "variable-length relationship needs an upper bound, e.g. *1..3 (at most "
          + MAX_HOPS + ")");
    }
    if (min > max) {
      throw error(star, "empty hop range *" + min + ".." + max);
    }
    return new int[] {min, max};
  }

  private int hops(Token t) {
    if (t.text().length() > 9 || Long.parseLong(t.text()) > MAX_HOPS) {
      throw error(t, "at most " + MAX_HOPS + " hops, not " + t.text());
    }
    long v = Long.parseLong(t.text());
    return (int) v;
  }

  // -------------------------------------------------------------------------------- expressions

  /** expr = xor { OR xor } */
  public Expr expr() {
    if (++depth > MAX_DEPTH) {
      throw error(peek(), "expression nested more than " + MAX_DEPTH + " levels deep");
    }
    try {
      Expr e = xor();
      while (peek().is("OR")) {
        int pos = next().start();
        e = chain(new Expr.Binary(Op.OR, e, xor(), pos));
      }
      return e;
    } finally {
      depth--;
    }
  }

  /** A node that lengthens a chain, counted against {@link #MAX_CHAINED}. */
  private Expr chain(Expr node) {
    if (++chained > MAX_CHAINED) {
      throw new QueryException(src, node.pos(), "more than " + MAX_CHAINED
          + " operators, property or index accesses in one statement");
    }
    return node;
  }

  private Expr xor() {
    Expr e = and();
    while (peek().is("XOR")) {
      int pos = next().start();
      e = chain(new Expr.Binary(Op.XOR, e, and(), pos));
    }
    return e;
  }

  private Expr and() {
    Expr e = not();
    while (peek().is("AND")) {
      int pos = next().start();
      e = chain(new Expr.Binary(Op.AND, e, not(), pos));
    }
    return e;
  }

  private Expr not() {
    if (peek().is("NOT")) {
      int pos = next().start();
      return new Expr.Not(nested(this::not), pos);
    }
    return comparison();
  }

  /**
   * One comparison: they do not chain. A comparison operator after one is refused where the user wrote it, instead of
   * ending the expression there, which made the reason a clause or the end of the statement expected.
   */
  private Expr comparison() {
    Expr left = additive();
    Expr e = comparisonOf(left);
    if (e != left && comparisonSymbol(peek().type()) != null) {
      throw error(peek(), "comparisons do not chain: join them with AND, as in a < b AND b < c");
    }
    return e;
  }

  private static Op comparisonSymbol(TokenType type) {
    return switch (type) {
      case EQ -> Op.EQ;
      case NEQ -> Op.NEQ;
      case LT -> Op.LT;
      case LE -> Op.LE;
      case GT -> Op.GT;
      case GE -> Op.GE;
      default -> null;
    };
  }

  /** The comparison of {@code left} with what follows, or {@code left} if no comparison follows. */
  private Expr comparisonOf(Expr left) {
    Token t = peek();
    Op op = comparisonSymbol(t.type());
    if (op != null) {
      next();
      return new Expr.Binary(op, left, additive(), t.start());
    }
    if (t.is("IN")) {
      next();
      return new Expr.Binary(Op.IN, left, additive(), t.start());
    }
    if (t.is("CONTAINS")) {
      next();
      return new Expr.Binary(Op.CONTAINS, left, additive(), t.start());
    }
    if (t.is("STARTS") || t.is("ENDS")) {
      next();
      expectKeyword("WITH");
      return new Expr.Binary(t.is("STARTS") ? Op.STARTS_WITH : Op.ENDS_WITH, left, additive(), t.start());
    }
    if (t.is("IS")) {
      next();
      boolean negated = accept("NOT");
      expectKeyword("NULL");
      return new Expr.IsNull(left, negated, t.start());
    }
    if (t.is("BETWEEN")) {
      next();
      Expr low = additive();
      expectKeyword("AND");
      return new Expr.Between(left, low, additive(), t.start());
    }
    return left;
  }

  private Expr additive() {
    Expr e = multiplicative();
    while (peek().type() == TokenType.PLUS || peek().type() == TokenType.MINUS) {
      Token t = next();
      e = chain(new Expr.Binary(t.type() == TokenType.PLUS ? Op.ADD : Op.SUB, e, multiplicative(), t.start()));
    }
    return e;
  }

  private Expr multiplicative() {
    Expr e = unary();
    while (true) {
      Token t = peek();
      Op op = switch (t.type()) {
        case STAR -> Op.MUL;
        case SLASH -> Op.DIV;
        case PERCENT -> Op.MOD;
        default -> null;
      };
      if (op == null) {
        return e;
      }
      next();
      e = chain(new Expr.Binary(op, e, unary(), t.start()));
    }
  }

  private Expr unary() {
    Token t = peek();
    if (t.type() == TokenType.MINUS) {
      next();
      Token n = peek();
      if (n.type() == TokenType.INTEGER && n.start() == t.end() && Lexer.LONG_MIN_DIGITS.equals(n.text())) {
        next();
        return new Expr.Literal(Long.MIN_VALUE, t.start());
      }
      return new Expr.Negate(nested(this::unary), t.start());
    }
    if (t.type() == TokenType.PLUS) {
      next();
      return nested(this::unary);
    }
    return postfix();
  }

  private Expr postfix() {
    Expr e = primary();
    while (true) {
      Token t = peek();
      if (accept(TokenType.DOT)) {
        e = chain(new Expr.Property(e, ident("a property name"), t.start()));
      } else if (accept(TokenType.LBRACKET)) {
        Expr index = expr();
        expect(TokenType.RBRACKET);
        e = chain(new Expr.Index(e, index, t.start()));
      } else {
        return e;
      }
    }
  }

  private Expr primary() {
    Token t = peek();
    switch (t.type()) {
      case INTEGER -> {
        next();
        if (Lexer.LONG_MIN_DIGITS.equals(t.text())) {
          throw error(t, "integer " + t.text() + " does not fit in 64 bits");
        }
        return new Expr.Literal(Long.parseLong(t.text()), t.start());
      }
      case FLOAT -> {
        next();
        return new Expr.Literal(Double.parseDouble(t.text()), t.start());
      }
      case STRING -> {
        next();
        return new Expr.Literal(t.text(), t.start());
      }
      case PARAM -> {
        next();
        return new Expr.Param(t.text(), t.start());
      }
      case LPAREN -> {
        next();
        Expr e = expr();
        expect(TokenType.RPAREN);
        return e;
      }
      case LBRACKET -> {
        return listLiteral();
      }
      case LBRACE -> {
        return mapLiteral();
      }
      case IDENT -> {
        return identifierExpr();
      }
      default -> throw error(t, "expected an expression but found " + t.describe());
    }
  }

  private Expr identifierExpr() {
    Token t = next();
    if (t.is("CASE")) {
      return caseExpr(t);
    }
    if (t.is("true") || t.is("false")) {
      return new Expr.Literal(t.is("true"), t.start());
    }
    if (t.is("null")) {
      return new Expr.Literal(null, t.start());
    }
    if ((t.is("EXISTS") || t.is("COUNT") || t.is("COLLECT")) && peek().type() == TokenType.LBRACE) {
      return nested(() -> subquery(t));
    }
    if (peek().type() != TokenType.LPAREN) {
      return new Expr.Var(t.text(), t.start());
    }
    next();
    String name = AsciiCase.lower(t.text());
    if (QUANTIFIERS.contains(name) && startsALocalVariable()) {
      return nested(() -> quantifier(name, t));
    }
    if (name.equals("reduce") && isName(peek()) && peek(1).type() == TokenType.EQ) {
      return nested(() -> reduce(t));
    }
    if (accept(TokenType.STAR)) {
      expect(TokenType.RPAREN);
      if (!name.equals("count")) {
        throw error(t, "only count accepts *");
      }
      return new Expr.Call(name, false, true, List.of(), t.start());
    }
    boolean distinct = accept("DISTINCT");
    List<Expr> args = new ArrayList<>();
    if (!accept(TokenType.RPAREN)) {
      do {
        args.add(expr());
      } while (accept(TokenType.COMMA));
      expect(TokenType.RPAREN);
    }
    return new Expr.Call(name, distinct, false, args, t.start());
  }

  private static final Set<String> QUANTIFIERS = Set.of("any", "all", "none", "single");

  /** Whether the next tokens are {@code name IN}: a list comprehension's or a quantifier's local variable. */
  private boolean startsALocalVariable() {
    return isName(peek()) && peek(1).is("IN");
  }

  /** An identifier that is not a literal: a name a local variable may take. */
  private static boolean isName(Token t) {
    return t.type() == TokenType.IDENT && !t.is("true") && !t.is("false") && !t.is("null");
  }

  /** {@code any(x IN list WHERE condition)} and the other quantifiers, from after the parenthesis. */
  private Expr quantifier(String kind, Token keyword) {
    String var = next().text();
    next(); // IN
    Expr list = expr();
    expectKeyword("WHERE");
    Expr where = expr();
    expect(TokenType.RPAREN);
    return new Expr.Quantifier(kind, var, list, where, keyword.start());
  }

  /** {@code reduce(acc = init, x IN list | step)}, from after the parenthesis. */
  private Expr reduce(Token keyword) {
    String acc = next().text();
    next(); // =
    Expr init = expr();
    expect(TokenType.COMMA);
    if (!startsALocalVariable()) {
      throw error(peek(), "expected a name and IN but found " + peek().describe());
    }
    String var = next().text();
    next(); // IN
    Expr list = expr();
    expect(TokenType.PIPE);
    Expr step = expr();
    expect(TokenType.RPAREN);
    return new Expr.Reduce(acc, init, var, list, step, keyword.start());
  }

  /** {@code [x IN list [WHERE condition] [| expression]]}, from after the bracket. */
  private Expr comprehension(Token open) {
    String var = next().text();
    next(); // IN
    Expr list = expr();
    Expr where = accept("WHERE") ? expr() : null;
    Expr map = accept(TokenType.PIPE) ? expr() : null;
    expect(TokenType.RBRACKET);
    return new Expr.Comprehension(var, list, where, map, open.start());
  }

  /**
   * {@code EXISTS { [MATCH] path, ... [AS OF expr] [WHERE expr] }}, {@code COUNT { ... }} or
   * {@code COLLECT { ... RETURN expr }}, from after the keyword.
   */
  private Expr subquery(Token keyword) {
    part(keyword.start());
    Expr.SubqueryKind kind = Expr.SubqueryKind.valueOf(AsciiCase.upper(keyword.text()));
    expect(TokenType.LBRACE);
    accept("MATCH");
    Statement.Match match = patterns(false, keyword.start());
    Expr value = null;
    if (kind == Expr.SubqueryKind.COLLECT) {
      expectKeyword("RETURN");
      value = expr();
    }
    expect(TokenType.RBRACE);
    return new Expr.Subquery(kind, match, value, keyword.start());
  }

  /** {@code CASE [test] WHEN w THEN t ... [ELSE otherwise] END}, from after CASE. */
  private Expr caseExpr(Token keyword) {
    Expr test = peek().is("WHEN") ? null : expr();
    List<Expr> whens = new ArrayList<>();
    List<Expr> thens = new ArrayList<>();
    while (peek().is("WHEN")) {
      part(next().start());
      whens.add(expr());
      expectKeyword("THEN");
      thens.add(expr());
    }
    if (whens.isEmpty()) {
      throw error(peek(), "expected WHEN but found " + peek().describe());
    }
    Expr otherwise = accept("ELSE") ? expr() : null;
    expectKeyword("END");
    return new Expr.Case(test, whens, thens, otherwise, keyword.start());
  }

  private Expr listLiteral() {
    Token open = expect(TokenType.LBRACKET);
    if (startsALocalVariable()) {
      return nested(() -> comprehension(open));
    }
    List<Expr> items = new ArrayList<>();
    if (!accept(TokenType.RBRACKET)) {
      do {
        items.add(expr());
      } while (accept(TokenType.COMMA));
      expect(TokenType.RBRACKET);
    }
    return new Expr.ListLit(items, open.start());
  }

  private Expr.MapLit mapLiteral() {
    Token open = expect(TokenType.LBRACE);
    Map<String, Expr> entries = new LinkedHashMap<>();
    if (!accept(TokenType.RBRACE)) {
      do {
        Token keyToken = peek();
        String key = ident("a property name");
        expect(TokenType.COLON);
        if (entries.put(key, expr()) != null) {
          throw error(keyToken, "property '" + key + "' given twice");
        }
      } while (accept(TokenType.COMMA));
      expect(TokenType.RBRACE);
    }
    return new Expr.MapLit(entries, open.start());
  }

  private Expr nested(java.util.function.Supplier<Expr> inner) {
    if (++depth > MAX_DEPTH) {
      throw error(peek(), "expression nested more than " + MAX_DEPTH + " levels deep");
    }
    try {
      return inner.get();
    } finally {
      depth--;
    }
  }

  // ------------------------------------------------------------------------------------ helpers

  private Token peek() {
    return tokens.get(at);
  }

  private Token peek(int ahead) {
    return tokens.get(Math.min(at + ahead, tokens.size() - 1));
  }

  private Token next() {
    Token t = tokens.get(at);
    if (t.type() != TokenType.EOF) {
      at++;
    }
    return t;
  }

  private boolean accept(TokenType type) {
    if (peek().type() == type) {
      next();
      return true;
    }
    return false;
  }

  private boolean accept(String keyword) {
    if (peek().is(keyword)) {
      next();
      return true;
    }
    return false;
  }

  private Token expect(TokenType type) {
    Token t = peek();
    if (t.type() != type) {
      throw error(t, "expected " + type.describe() + " but found " + t.describe());
    }
    return next();
  }

  private void expectKeyword(String kw) {
    if (!accept(kw)) {
      throw error(peek(), "expected " + kw + " but found " + peek().describe());
    }
  }

  private String ident(String what) {
    Token t = peek();
    if (t.type() != TokenType.IDENT) {
      throw error(t, "expected " + what + " but found " + t.describe());
    }
    return next().text();
  }

  private QueryException error(Token t, String reason) {
    return new QueryException(src, t.start(), reason);
  }
}
