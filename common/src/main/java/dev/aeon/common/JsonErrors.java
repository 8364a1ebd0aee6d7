package dev.aeon.common;

import java.util.regex.Pattern;

/**
 * Jackson's parse errors in words for users: its messages name the Java code behind a limit or a check
 * ({@code (1000, from `StreamReadConstraints.getMaxNestingDepth()`)}, {@code (bound as `...JsonNode`): not
 * allowed as per `DeserializationFeature.FAIL_ON_TRAILING_TOKENS`}), which means nothing to a client.
 */
public final class JsonErrors {

  private static final Pattern LIMIT_SOURCE = Pattern.compile(", from `[^`]*`");
  private static final Pattern JAVA_ASIDE = Pattern.compile(" \\([^()`]*`[^`]*`[^()]*\\)");
  private static final Pattern JAVA_RULE = Pattern.compile(": not allowed as per `[^`]*`");
  private static final Pattern JAVA_SWITCH = Pattern.compile(": enable `[^`]*` to allow");
  private static final Pattern SOURCE_MARKER = Pattern.compile(" ?\\(start marker at \\[Source: [^\\]]*\\]\\)");
  private static final Pattern PARSER_FEATURE = Pattern.compile("Feature '(\\w+)' not enabled for parser");

  private JsonErrors() {}

  /** The reason of a parse error ({@code JsonProcessingException.getOriginalMessage()}), without Java names. */
  public static String reason(String jacksonMessage) {
    if (jacksonMessage == null) {
      return "unreadable JSON";
    }
    String s = LIMIT_SOURCE.matcher(jacksonMessage).replaceAll("");
    s = JAVA_ASIDE.matcher(s).replaceAll("");
    s = SOURCE_MARKER.matcher(s).replaceAll("");
    s = PARSER_FEATURE.matcher(s).replaceAll("not standard JSON ($1)");
    s = JAVA_SWITCH.matcher(s).replaceAll(": not standard JSON");
    return JAVA_RULE.matcher(s).replaceAll("");
  }
}
