package dev.aeon.server.vset;

import dev.aeon.common.NumberLiterals;
import dev.aeon.server.command.CommandError;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The FILTER expressions of Redis vector sets, e.g. {@code .year >= 1980 and .genre in ["drama", "noir"]},
 * evaluated against an element's JSON attributes. Selectors {@code .name} read a top-level attribute;
 * literals are numbers, "strings" or 'strings', true, false and [arrays]. Operators, loosest first:
 * {@code or ||}, {@code and &&}, {@code == !=}, {@code > >= < <= in}, {@code + -}, {@code * / %},
 * {@code **}, then {@code not !} and unary minus.
 *
 * <p>As in Redis, an element lacking an attribute the expression reads, or whose attribute is a JSON object,
 * does not match, whatever the rest of the expression; so does one whose attribute is null (Redis reads a null
 * value), and an element without attributes never matches.
 * Comparisons and logic yield 1 or 0, and true and false are 1 and 0. A string compared with a number, or in
 * arithmetic, is read as a number; one that is not a number (Redis reads it as 0) is equal to no number, and an
 * ordering or arithmetic with it has no value, which is false, and so is its negation. Two strings compare by
 * their characters (Redis compares them as numbers too). {@code x in [..]} tests membership with {@code ==},
 * {@code "sub" in .text} whether a string contains another, as Redis does since redis/redis#14122 (2025).
 */
public final class FilterExpression {

  private static final int MAX_DEPTH = 64;
  /**
   * The most operators an expression may have. A flat chain ({@code a or b or c ...}) is not nested, but builds a
   * tree as deep as it is long, which evaluation walks recursively: thousands of terms overflowed the client
   * thread's stack. The query language has the same limit.
   */
  static final int MAX_OPERATORS = 500;
  /** The value of an ordering or arithmetic with a string that is not a number: false, and so is its negation. */
  private static final Object NO_VALUE = new Object();
  private static final Pattern NUMBER = Pattern.compile("-?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");

  private sealed interface Node permits Literal, Selector, ArrayNode, Unary, Binary {}

  private record Literal(Object value) implements Node {}

  private record Selector(String name) implements Node {}

  private record ArrayNode(List<Node> items) implements Node {}

  private record Unary(String op, Node operand) implements Node {}

  private record Binary(String op, Node left, Node right) implements Node {}

  private final Node root;
  private final String text;
  /** The attributes the expression reads: an element lacking one of them does not match. */
  private final Set<String> selectors;

  private FilterExpression(Node root, String text, Set<String> selectors) {
    this.root = root;
    this.text = text;
    this.selectors = selectors;
  }

  /** Parses an expression; a syntax error is a CommandError naming the position. */
  public static FilterExpression parse(String text) {
    Parser p = new Parser(text);
    Node root = p.or(0);
    p.skipSpace();
    if (p.pos < text.length()) {
      throw p.error("unexpected '" + text.charAt(p.pos) + "'");
    }
    return new FilterExpression(root, text, Set.copyOf(p.selectors));
  }

  /** Whether an element with these attributes (null: none) passes the filter. */
  public boolean matches(Map<String, Object> attributes) {
    if (attributes == null) {
      return false;
    }
    for (String name : selectors) {
      if (normalize(attributes.get(name)) == NO_VALUE) {
        return false;
      }
    }
    return truthy(eval(root, attributes));
  }

  @Override
  public String toString() {
    return text;
  }

  // --- evaluation ---

  private static Object eval(Node n, Map<String, Object> attrs) {
    return switch (n) {
      case Literal l -> l.value();
      case Selector s -> normalize(attrs.get(s.name()));
      case ArrayNode a -> {
        List<Object> values = new ArrayList<>();
        for (Node item : a.items()) {
          values.add(eval(item, attrs));
        }
        yield values;
      }
      case Unary u -> unary(u.op(), eval(u.operand(), attrs));
      case Binary b -> binary(b.op(), b, attrs);
    };
  }

  private static Object unary(String op, Object v) {
    if (v == NO_VALUE) {
      return NO_VALUE;
    }
    if (op.equals("!")) {
      return bool(!truthy(v));
    }
    return number(v) instanceof Double d ? -d : NO_VALUE;
  }

  private static Object binary(String op, Binary b, Map<String, Object> attrs) {
    Object l = eval(b.left(), attrs);
    if (op.equals("and") || op.equals("or")) { // short-circuit, as a reader expects
      boolean lt = truthy(l);
      if (op.equals("and") ? !lt : lt) {
        return bool(lt);
      }
      return bool(truthy(eval(b.right(), attrs)));
    }
    Object r = eval(b.right(), attrs);
    if (l == NO_VALUE || r == NO_VALUE) {
      return NO_VALUE;
    }
    return switch (op) {
      case "==" -> bool(equal(l, r));
      case "!=" -> bool(!equal(l, r));
      case "in" -> bool(contains(r, l));
      case ">", ">=", "<", "<=" -> compare(op, l, r);
      default -> arithmetic(op, l, r);
    };
  }

  private static Object compare(String op, Object l, Object r) {
    int c;
    if (l instanceof String a && r instanceof String b) {
      c = a.compareTo(b);
    } else if (number(l) instanceof Double a && number(r) instanceof Double b) {
      c = Double.compare(a, b);
    } else {
      return NO_VALUE;
    }
    return bool(switch (op) {
      case ">" -> c > 0;
      case ">=" -> c >= 0;
      case "<" -> c < 0;
      default -> c <= 0;
    });
  }

  private static Object arithmetic(String op, Object l, Object r) {
    if (!(number(l) instanceof Double a) || !(number(r) instanceof Double b)) {
      return NO_VALUE;
    }
    return switch (op) {
      case "+" -> a + b;
      case "-" -> a - b;
      case "*" -> a * b;
      case "/" -> a / b;
      case "%" -> a % b;
      case "**" -> Math.pow(a, b);
      default -> throw new IllegalStateException("operator " + op);
    };
  }

  private static boolean contains(Object container, Object item) {
    if (container instanceof List<?> list) {
      for (Object o : list) {
        if (equal(item, o)) {
          return true;
        }
      }
      return false;
    }
    return container instanceof String s && item instanceof String sub && s.contains(sub);
  }

  private static boolean equal(Object a, Object b) {
    if (a instanceof Double || b instanceof Double) {
      return number(a) instanceof Double x && number(b) instanceof Double y && x.doubleValue() == y.doubleValue();
    }
    return a != NO_VALUE && b != NO_VALUE && Objects.equals(a, b);
  }

  /** A number, or a string that is one ("3", "-1.5e3"), as a Double; anything else null. */
  private static Double number(Object v) {
    if (v instanceof Double d) {
      return d;
    }
    if (v instanceof String s && NUMBER.matcher(s).matches()) {
      return Double.parseDouble(s);
    }
    return null;
  }

  private static Double bool(boolean b) {
    return b ? 1.0 : 0.0;
  }

  /** Numbers are compared as doubles and booleans as 1/0, as Redis does. */
  private static Object normalize(Object v) {
    return switch (v) {
      case null -> NO_VALUE;
      case Number n -> n.doubleValue();
      case Boolean b -> b ? 1.0 : 0.0;
      case List<?> list -> list.stream().map(FilterExpression::normalize).toList();
      case String s -> s;
      default -> NO_VALUE;
    };
  }

  private static boolean truthy(Object v) {
    return switch (v) {
      case Double d -> d != 0;
      case String s -> !s.isEmpty();
      case List<?> l -> !l.isEmpty();
      default -> false;
    };
  }

  // --- parsing ---

  private static final class Parser {

    /** The left-associative binary operators, loosest first; {@code **}, tighter, is read by {@link #power}. */
    private static final String[][] LEVELS = {
        {"or", "||"}, {"and", "&&"}, {"==", "!="}, {">=", "<=", ">", "<", "in"}, {"+", "-"}, {"*", "/", "%"}};
    private static final String[] POWER = {"**"};

    final String s;
    int pos;
    final Set<String> selectors = new HashSet<>();
    private int operators;

    Parser(String s) {
      this.s = s;
    }

    Node or(int depth) {
      return binary(0, depth);
    }

    /**
     * Operands joined by operators of {@code minLevel} or tighter (precedence climbing): one frame serves every
     * level, so a parenthesis costs a few frames of stack, not one per level.
     */
    private Node binary(int minLevel, int depth) {
      Node left = power(depth);
      while (true) {
        String op = null;
        int level = LEVELS.length;
        while (op == null && --level >= minLevel) {
          op = operator(LEVELS[level]);
        }
        if (op == null) {
          return left;
        }
        countOperator();
        left = new Binary(canonical(op), left, binary(level + 1, depth));
      }
    }

    /** {@code a ** b ** c} is {@code a ** (b ** c)}: read as a list and folded from the right, without recursion. */
    private Node power(int depth) {
      List<Node> operands = new ArrayList<>();
      operands.add(unary(depth));
      while (operator(POWER) != null) {
        countOperator();
        operands.add(unary(depth));
      }
      Node result = operands.removeLast();
      while (!operands.isEmpty()) {
        result = new Binary("**", operands.removeLast(), result);
      }
      return result;
    }

    /** Counts an operator as it is read, before its operands are parsed, so that a long chain is refused early. */
    private void countOperator() {
      if (++operators > MAX_OPERATORS) {
        throw error("expression has more than " + MAX_OPERATORS + " operators");
      }
    }

    /**
     * The depth inside one more parenthesis, bracket or unary operator: only these nest, so 64 means 64
     * parentheses. {@code at}: where the parenthesis, bracket or operator is, for the error.
     */
    private int nested(int depth, int at) {
      if (depth >= MAX_DEPTH) {
        pos = at;
        throw error("expression nested deeper than " + MAX_DEPTH);
      }
      return depth + 1;
    }

    private Node unary(int depth) {
      skipSpace();
      int start = pos;
      String op = operator(new String[] {"not", "!"});
      if (op == null && peek() == '-' && !(pos + 1 < s.length() && Character.isDigit(s.charAt(pos + 1)))) {
        pos++;
        op = "-";
      }
      if (op == null) {
        return primary(depth);
      }
      int inner = nested(depth, start);
      countOperator();
      return new Unary(op.equals("-") ? "-" : "!", unary(inner));
    }

    private Node primary(int depth) {
      skipSpace();
      char c = peek();
      if (c == '(') {
        int inner = nested(depth, pos);
        pos++;
        Node node = binary(0, inner);
        expect(')');
        return node;
      }
      if (c == '[') {
        int inner = nested(depth, pos);
        pos++;
        List<Node> items = new ArrayList<>();
        skipSpace();
        if (peek() != ']') {
          do {
            items.add(binary(0, inner));
            skipSpace();
          } while (peek() == ',' && pos++ >= 0);
        }
        expect(']');
        return new ArrayNode(items);
      }
      if (c == '.') {
        pos++;
        int start = pos;
        while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '_')) {
          pos++;
        }
        if (start == pos) {
          throw error("a selector needs a name after '.'");
        }
        String name = s.substring(start, pos);
        selectors.add(name);
        return new Selector(name);
      }
      if (c == '"' || c == '\'') {
        return new Literal(string(c));
      }
      if (c == '-' || Character.isDigit(c)) {
        return new Literal(number());
      }
      if (word("true")) {
        return new Literal(1.0);
      }
      if (word("false")) {
        return new Literal(0.0);
      }
      throw error(pos < s.length() ? "unexpected '" + c + "'" : "unexpected end of expression");
    }

    private String string(char quote) {
      StringBuilder sb = new StringBuilder();
      pos++;
      while (pos < s.length() && s.charAt(pos) != quote) {
        char ch = s.charAt(pos++);
        if (ch == '\\' && pos < s.length()) {
          ch = s.charAt(pos++);
        }
        sb.append(ch);
      }
      expect(quote);
      return sb.toString();
    }

    private Double number() {
      int start = pos;
      if (peek() == '-') {
        pos++;
      }
      while (pos < s.length() && (Character.isDigit(s.charAt(pos)) || ".eE".indexOf(s.charAt(pos)) >= 0
          || ((s.charAt(pos) == '-' || s.charAt(pos) == '+') && "eE".indexOf(s.charAt(pos - 1)) >= 0))) {
        pos++;
      }
      String literal = s.substring(start, pos);
      double value;
      try {
        value = Double.parseDouble(literal);
      } catch (NumberFormatException e) {
        pos = start;
        throw error("bad number '" + s.substring(start, Math.min(s.length(), start + 20)) + "'");
      }
      if (NumberLiterals.underflows(literal, value)) { // 0 would match more than the number written
        pos = start;
        throw error("the number " + CommandError.clip(literal)
            + " is nearer to 0 than any double (it would be " + value + ")");
      }
      return value;
    }

    /** Consumes one of the operators if it is next ("in", "and", ... only as whole words). */
    private String operator(String[] ops) {
      skipSpace();
      for (String op : ops) {
        if (s.startsWith(op, pos)) {
          boolean isWord = Character.isLetter(op.charAt(0));
          int after = pos + op.length();
          if (isWord && after < s.length() && Character.isLetterOrDigit(s.charAt(after))) {
            continue;
          }
          if (op.equals(">") || op.equals("<")) {
            if (after < s.length() && s.charAt(after) == '=') {
              continue;
            }
          }
          if (op.equals("*") && after < s.length() && s.charAt(after) == '*') {
            continue;
          }
          pos = after;
          return op;
        }
      }
      return null;
    }

    private boolean word(String w) {
      if (s.startsWith(w, pos)
          && (pos + w.length() == s.length() || !Character.isLetterOrDigit(s.charAt(pos + w.length())))) {
        pos += w.length();
        return true;
      }
      return false;
    }

    private static String canonical(String op) {
      return switch (op) {
        case "||" -> "or";
        case "&&" -> "and";
        default -> op;
      };
    }

    private void expect(char c) {
      skipSpace();
      if (peek() != c) {
        throw error(pos < s.length() ? "expected '" + c + "' but found '" + s.charAt(pos) + "'"
            : "expected '" + c + "'");
      }
      pos++;
    }

    private char peek() {
      return pos < s.length() ? s.charAt(pos) : '\0';
    }

    void skipSpace() {
      while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
        pos++;
      }
    }

    CommandError error(String what) {
      return CommandError.err("syntax error in FILTER expression at position " + (pos + 1) + ": " + what);
    }
  }
}
