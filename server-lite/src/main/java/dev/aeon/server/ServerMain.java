package dev.aeon.server;

import dev.aeon.common.AsciiCase;
import dev.aeon.common.TextEmbedder;
import dev.aeon.common.io.RealPaths;
import dev.aeon.embed.ModelSpec;
import dev.aeon.embed.OnnxTextEmbedder;
import dev.aeon.engine.Durability;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ./aeon serve [--port P] [--bind ADDR] [--dir DIR] [--password-file F] [--durability sync|async|off]
 * [--idle-timeout SECONDS] [--max-connections N] [--namespace-idle SECONDS] [--embedder MODEL|none]
 * [--backup-dir DIR] [--client-output-limit SIZE] [--output-memory SIZE] [--request-memory SIZE]
 * [--pipeline-forces shared|each] [--light-writes connection|pool]}: runs the
 * server until SIGTERM or SIGINT, then stops cleanly (checkpoint, close) within the stop timeout.
 */
public final class ServerMain {

  /** The options, each of which takes a value. */
  private static final Set<String> OPTIONS = Set.of("--port", "--bind", "--dir", "--password-file",
      "--durability", "--idle-timeout", "--max-connections", "--namespace-idle", "--embedder", "--backup-dir",
      "--client-output-limit", "--output-memory", "--request-memory", "--pipeline-forces",
      "--light-writes");

  /** Units of a size, as redis.conf reads them: a bare letter counts in thousands, with a b in 1024s. */
  private static final Map<String, Long> SIZE_UNITS = Map.of("", 1L, "k", 1_000L, "kb", 1L << 10,
      "m", 1_000_000L, "mb", 1L << 20, "g", 1_000_000_000L, "gb", 1L << 30);

  private static final Pattern SIZE = Pattern.compile("(\\d{1,18})([a-z]*)");

  /** What --help prints; docs/server.md shows its synopsis and options (DocsCoverTheServerTest). */
  static final String USAGE = """
      usage: ./aeon serve [--port P] [--bind ADDR] [--dir DIR] [--password-file F]
                          [--durability sync|async|off] [--idle-timeout SECONDS] [--max-connections N]
                          [--namespace-idle SECONDS] [--embedder MODEL|none] [--backup-dir DIR]
                          [--client-output-limit SIZE] [--output-memory SIZE] [--request-memory SIZE]
                          [--pipeline-forces shared|each] [--light-writes connection|pool]
        every option also as --option=VALUE
        --port P             TCP port (default 6380)
        --bind ADDR          address to listen on (default 127.0.0.1); any other needs --password-file
        --dir DIR            data directory (default ./aeon-data)
        --password-file F    file holding the password clients must send with AUTH
        --durability MODE    sync (default): acknowledge after fsync; async: fsync every few ms; off
        --idle-timeout S     seconds a client may take to send a command or take a reply (default 300)
        --max-connections N  clients connected at once (default 10000)
        --namespace-idle S   seconds a namespace no command used stays open (default 600; 0: until stop)
        --embedder MODEL     all-MiniLM-L6-v2 (default) or bge-small-en-v1.5: lets VADD, VSIM and
                             MEM.* take TEXT where a vector is expected; none turns it off
        --backup-dir DIR     where MEM.BACKUP name copies the selected namespace (DIR/name; default:
                             backups are off)
        --client-output-limit SIZE
                             replies one client may leave unread before it is disconnected (default 128mb)
        --output-memory SIZE replies all clients together may leave unread (default 1gb)
        --request-memory SIZE
                             unfinished requests all clients together may make the server hold (default 1gb)
        --pipeline-forces MODE
                             shared (default): a client's pipelined writes share forced writes of the log,
                             each reply sent once its write and those before are durable; each: every
                             write waits for its own
        --light-writes WHERE connection (default): a MEM.ADD or VADD given its vector, alone or last of
                             a pipeline, runs on its client's thread; pool: on the pool of command threads
        SIZE: bytes, or a number with a unit as in redis.conf: k, m, g (powers of 1000), kb, mb, gb (of 1024)
      """;

  /** The JDK's property for the number of carrier threads that run virtual threads. */
  private static final String CARRIERS = "jdk.virtualThreadScheduler.parallelism";

  private ServerMain() {}

  public static void main(String[] args) throws InterruptedException {
    // Connections' virtual threads mostly wait on the network, and engine commands run on a pool of their
    // own (see CommandTable), so half the cores carry them: on 2 cores one carrier served more PINGs than
    // the JDK's default of one per core (fewer hand-offs between carriers, none spinning idle; docs/benchmarks.md,
    // "The server against redis-server"). The JDK reads this once, when the first virtual thread starts,
    // so it is set first.
    if (System.getProperty(CARRIERS) == null) {
      System.setProperty(CARRIERS, Integer.toString(Math.max(1, Runtime.getRuntime().availableProcessors() / 2)));
    }
    ServerConfig config;
    try {
      CommandLine line = parse(args);
      config = withEmbedder(line.config(), line.embedder());
    } catch (IllegalArgumentException | IOException e) {
      System.err.println("aeon serve: " + e.getMessage());
      System.err.print(USAGE);
      System.exit(2);
      return;
    }
    AeonServer server;
    try {
      server = AeonServer.start(config);
    } catch (IOException | RuntimeException e) {
      System.err.println("aeon serve: " + e.getMessage());
      System.exit(1);
      return;
    }
    TextEmbedder embedder = config.engine().embedder();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      if (embedder != null) {
        embedder.close();
      }
    }, "aeon-shutdown"));
    server.awaitStop();
  }

  /**
   * {@code config} with the embedding model loaded; without it the server still runs, refuses what needs it (TEXT
   * arguments, MEM.ADD without VECTOR) and says why.
   */
  private static ServerConfig withEmbedder(ServerConfig config, String name) {
    if (AsciiCase.equalsIgnoreCase(name, "none")) {
      return config;
    }
    try {
      return config.withEngine(config.engine().withEmbedder(OnnxTextEmbedder.open(ModelSpec.named(name))));
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (RuntimeException e) {
      String failure = "cannot load the embedding model " + name + " (" + e.getMessage() + ")";
      ServerLog.warn(failure + ": serving without one, so TEXT arguments and MEM.ADD without VECTOR will be refused");
      return config.withEmbedderFailure(failure);
    }
  }

  /** The parsed command line: the configuration, and the embedding model to load ("none" for none). */
  record CommandLine(ServerConfig config, String embedder) {}

  /** Parses the command line; throws IllegalArgumentException with a clear message. */
  static CommandLine parse(String[] args) throws IOException {
    ServerConfig c = ServerConfig.defaults();
    InetAddress bind = c.bind();
    int port = c.port();
    Duration idle = c.idleTimeout();
    int maxConnections = c.maxConnections();
    long requestMemory = c.requestMemory();
    long outputLimit = c.outputLimit();
    long outputMemory = c.outputMemory();
    String embedder = ModelSpec.DEFAULT.name();
    for (int i = 0; i < args.length; i++) {
      String opt = args[i];
      if (opt.equals("--help") || opt.equals("-h")) {
        System.out.print(USAGE);
        System.exit(0);
      }
      // --port=6390 as well as --port 6390: it was refused as an unknown option
      int equals = opt.startsWith("--") ? opt.indexOf('=') : -1;
      String inline = equals < 0 ? null : opt.substring(equals + 1);
      opt = equals < 0 ? opt : opt.substring(0, equals);
      if (!OPTIONS.contains(opt)) {
        throw new IllegalArgumentException(opt.startsWith("--") ? "unknown option '" + opt + "'"
            : "unknown argument '" + opt + "'");
      }
      if (inline == null && i + 1 >= args.length) {
        throw new IllegalArgumentException(opt + " needs a value");
      }
      String v = inline != null ? inline : args[++i];
      switch (opt) {
        case "--port" -> port = intValue(opt, v, 0, 65535);
        case "--bind" -> bind = address(v);
        case "--dir" -> c = c.withDir(path(opt, v));
        case "--password-file" -> c = c.withPassword(readPassword(path(opt, v)));
        case "--durability" -> c = c.withEngine(c.engine().withDurability(durability(v)));
        case "--idle-timeout" -> idle = Duration.ofSeconds(intValue(opt, v, 1, Integer.MAX_VALUE));
        case "--max-connections" -> maxConnections = intValue(opt, v, 1, 1_000_000);
        case "--namespace-idle" -> c = c.withNamespaceIdle(Duration.ofSeconds(intValue(opt, v, 0, Integer.MAX_VALUE)));
        case "--embedder" -> embedder = v;
        case "--backup-dir" -> c = c.withBackupDir(path(opt, v));
        case "--client-output-limit" -> outputLimit = size(opt, v);
        case "--output-memory" -> outputMemory = size(opt, v);
        case "--request-memory" -> requestMemory = size(opt, v);
        case "--pipeline-forces" -> c = c.withPipelinedWritesShareForces(pipelineForces(v));
        case "--light-writes" -> c = c.withLightWritesOnConnectionThread(lightWrites(v));
        default -> throw new IllegalStateException("option " + opt + " is in OPTIONS but not read");
      }
    }
    return new CommandLine(c.withLimits(c.limits(), maxConnections, idle, requestMemory)
        .withOutputLimits(outputLimit, outputMemory).withAddress(bind, port), embedder);
  }

  private static boolean pipelineForces(String v) {
    return switch (v.toLowerCase(Locale.ROOT)) {
      case "shared" -> true;
      case "each" -> false;
      default -> throw new IllegalArgumentException("--pipeline-forces must be shared or each, got '" + v + "'");
    };
  }

  private static boolean lightWrites(String v) {
    return switch (v.toLowerCase(Locale.ROOT)) {
      case "connection" -> true;
      case "pool" -> false;
      default -> throw new IllegalArgumentException("--light-writes must be connection or pool, got '" + v + "'");
    };
  }

  /** A positive number of bytes, with an optional unit of {@link #SIZE_UNITS} in any case. */
  static long size(String opt, String v) {
    Matcher m = SIZE.matcher(v.toLowerCase(Locale.ROOT));
    if (m.matches() && SIZE_UNITS.containsKey(m.group(2))) {
      long n = Long.parseLong(m.group(1));
      long unit = SIZE_UNITS.get(m.group(2));
      if (n > 0 && n <= Long.MAX_VALUE / unit) {
        return n * unit;
      }
    }
    throw new IllegalArgumentException(opt + " must be a positive size in bytes, with an optional unit (k, kb, m,"
        + " mb, g, gb), got '" + v + "'");
  }

  private static int intValue(String opt, String v, int min, int max) {
    try {
      int n = Integer.parseInt(v);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(opt + " must be an integer from " + min + " to " + max + ", got '" + v + "'");
  }

  /** The option's path; an empty one is refused, not read as the current folder ({@link RealPaths#argument}). */
  private static Path path(String opt, String v) {
    try {
      return RealPaths.argument(v);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(opt + ": " + e.getMessage(), e);
    }
  }

  private static InetAddress address(String v) {
    try {
      return InetAddress.getByName(v);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("--bind: unknown address '" + v + "'");
    }
  }

  private static Durability durability(String v) {
    try {
      return Durability.valueOf(v.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--durability must be sync, async or off, got '" + v + "'");
    }
  }

  /** The file's content without a trailing line end; warns when others may read it. */
  static byte[] readPassword(Path file) throws IOException {
    // The longest password and a "\r\n": a file larger than that (a log or an image named by mistake) is refused
    // after reading one byte more, where reading it whole could take all the heap, or more than an array holds.
    int largest = ServerConfig.MAX_PASSWORD_BYTES + 2;
    byte[] b;
    try (InputStream in = Files.newInputStream(file)) {
      b = in.readNBytes(largest + 1);
    } catch (NoSuchFileException e) { // whose message is only the file's name
      throw new IOException("the password file " + file + " does not exist", e);
    } catch (IOException e) {
      throw new IOException("cannot read the password file " + file + ": " + e, e);
    }
    if (b.length > largest) {
      throw new IllegalArgumentException("the password file " + file + " holds more than " + largest
          + " bytes: a password takes at most " + ServerConfig.MAX_PASSWORD_BYTES + " bytes (and a line end)");
    }
    int n = b.length;
    while (n > 0 && (b[n - 1] == '\n' || b[n - 1] == '\r')) {
      n--;
    }
    if (n == 0) {
      throw new IllegalArgumentException("the password file " + file + " is empty");
    }
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
      if (perms.contains(PosixFilePermission.OTHERS_READ) || perms.contains(PosixFilePermission.GROUP_READ)) {
        ServerLog.warn("the password file " + file + " can be read by other users (chmod 600 it)");
      }
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: nothing to check
    }
    return Arrays.copyOf(b, n);
  }
}
