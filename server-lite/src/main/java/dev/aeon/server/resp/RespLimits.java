package dev.aeon.server.resp;

/**
 * Bounds on what one request may hold, so that no client can make the server allocate what it has not sent
 * and no frame can be larger than these.
 *
 * @param maxBulkBytes largest bulk string ({@code $n}); Redis' proto-max-bulk-len, 64 MiB by default
 * @param maxArrayLength most arguments in one command ({@code *n}, or the words of an inline command)
 * @param maxInlineBytes longest inline command line (a request not starting with {@code *})
 */
public record RespLimits(int maxBulkBytes, int maxArrayLength, int maxInlineBytes) {

  public static final RespLimits DEFAULT = new RespLimits(64 << 20, 1 << 20, 64 << 10);

  public RespLimits {
    if (maxBulkBytes < 1 || maxArrayLength < 1 || maxInlineBytes < 16) {
      throw new IllegalArgumentException("bad RESP limits: bulk " + maxBulkBytes + ", array "
          + maxArrayLength + ", inline " + maxInlineBytes);
    }
  }
}
