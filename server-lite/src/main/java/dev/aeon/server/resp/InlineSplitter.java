package dev.aeon.server.resp;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits an inline command line into arguments with the rules of Redis' {@code sdssplitargs}: space, tab, CR and
 * LF end a word (any white space separates words); a quote opens a quoted part at the start of a word or inside
 * one ({@code a"b c"} is the argument {@code ab c}); "double quotes" allow {@code \n \r \t \b \a \\ \" \xHH}
 * escapes; 'single quotes' allow {@code \'}; a closing quote must be followed by white space or the end of the
 * line. One difference: a NUL byte is a byte like any other here, where Redis ends the line at it.
 */
final class InlineSplitter {

  private InlineSplitter() {}

  static byte[][] split(byte[] line, int len) throws ProtocolException {
    List<byte[]> args = new ArrayList<>();
    int i = 0;
    while (true) {
      while (i < len && isSpace(line[i])) {
        i++;
      }
      if (i == len) {
        return args.toArray(new byte[0][]);
      }
      ByteArrayOutputStream arg = new ByteArrayOutputStream();
      while (i < len && !endsWord(line[i])) {
        byte c = line[i];
        if (c == '"' || c == '\'') { // the quoted part ends the word: its closing quote is followed by a space
          i = c == '"' ? doubleQuoted(line, len, i + 1, arg) : singleQuoted(line, len, i + 1, arg);
          break;
        }
        arg.write(c);
        i++;
      }
      args.add(arg.toByteArray());
    }
  }

  private static int doubleQuoted(byte[] line, int len, int i, ByteArrayOutputStream arg) throws ProtocolException {
    while (i < len) {
      byte c = line[i];
      if (c == '\\' && i + 3 < len && line[i + 1] == 'x' && isHex(line[i + 2]) && isHex(line[i + 3])) {
        arg.write(Character.digit(line[i + 2], 16) * 16 + Character.digit(line[i + 3], 16));
        i += 4;
      } else if (c == '\\' && i + 1 < len) {
        byte e = line[i + 1];
        arg.write(switch (e) {
          case 'n' -> '\n';
          case 'r' -> '\r';
          case 't' -> '\t';
          case 'b' -> '\b';
          case 'a' -> 7;
          default -> e;
        });
        i += 2;
      } else if (c == '"') {
        return closingQuote(line, len, i);
      } else {
        arg.write(c);
        i++;
      }
    }
    throw unbalanced();
  }

  private static int singleQuoted(byte[] line, int len, int i, ByteArrayOutputStream arg) throws ProtocolException {
    while (i < len) {
      byte c = line[i];
      if (c == '\\' && i + 1 < len && line[i + 1] == '\'') {
        arg.write('\'');
        i += 2;
      } else if (c == '\'') {
        return closingQuote(line, len, i);
      } else {
        arg.write(c);
        i++;
      }
    }
    throw unbalanced();
  }

  private static int closingQuote(byte[] line, int len, int i) throws ProtocolException {
    if (i + 1 < len && !isSpace(line[i + 1])) {
      throw unbalanced();
    }
    return i + 1;
  }

  private static ProtocolException unbalanced() {
    return new ProtocolException("ERR Protocol error: unbalanced quotes in request");
  }

  /** What ends a word outside quotes: not every white space, as in Redis (a vertical tab is part of the word). */
  private static boolean endsWord(byte b) {
    return b == ' ' || b == '\t' || b == '\n' || b == '\r';
  }

  private static boolean isSpace(byte b) {
    return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == 0x0b || b == '\f';
  }

  private static boolean isHex(byte b) {
    return Character.digit(b, 16) >= 0;
  }
}
