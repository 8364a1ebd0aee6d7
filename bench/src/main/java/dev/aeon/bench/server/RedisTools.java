package dev.aeon.bench.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Finds redis-benchmark and redis-server, installing Debian's redis-tools and redis-server with apt-get when
 * they are missing (as root, or through sudo without a password), and runs redis-benchmark.
 */
final class RedisTools {

  /** One redis-benchmark result line. */
  record Result(String test, double rps, double p50Ms, double p99Ms) {

    /** The round of the median requests/s (of an even count, the upper of the two middle ones). */
    static Result median(List<Result> rounds) {
      return rounds.stream().sorted(Comparator.comparingDouble(Result::rps)).toList().get(rounds.size() / 2);
    }
  }

  private RedisTools() {}

  static String find(String name) {
    for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      Path p = Path.of(d.isEmpty() ? "." : d, name);
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    for (String d : List.of("/usr/bin", "/usr/local/bin", "/usr/sbin")) {
      Path p = Path.of(d, name);
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    return null;
  }

  /**
   * Makes sure redis-benchmark and redis-server are installed.
   *
   * @throws IllegalStateException with what to do when they cannot be installed
   */
  static void ensureInstalled() throws IOException, InterruptedException {
    if (find("redis-benchmark") != null && find("redis-server") != null) {
      return;
    }
    System.out.println(
        "redis-benchmark or redis-server is missing: installing Debian packages redis-tools and redis-server ...");
    if (find("apt-get") == null) {
      throw new IllegalStateException("redis-benchmark and redis-server are needed and apt-get is not available here: "
          + "install redis-tools and redis-server (Redis 7+) with your package manager, then rerun");
    }
    boolean root = "0".equals(run(List.of("id", "-u"), 10).trim());
    List<String> prefix = root ? List.of() : List.of("sudo", "-n");
    String update = run(concat(prefix, List.of("apt-get", "update", "-qq")), 600);
    String install = run(concat(prefix, List.of("env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install",
        "-y", "-qq", "redis-tools", "redis-server")), 900);
    if (find("redis-benchmark") == null || find("redis-server") == null) {
      throw new IllegalStateException("could not install redis-tools and redis-server with apt-get"
          + (root ? "" : " (not root, and sudo needs a password)") + ": install them by hand, then rerun.\n"
          + update + install);
    }
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> l = new ArrayList<>(a);
    l.addAll(b);
    return l;
  }

  /** Runs a command and returns its output (stdout and stderr); never throws for a non-zero exit. */
  static String run(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      return "cannot run " + command.getFirst() + ": " + e.getMessage() + "\n";
    }
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", command) + " did not finish within " + timeoutSeconds + " s");
    }
    return new String(out, StandardCharsets.UTF_8);
  }

  /**
   * Runs redis-benchmark with {@code --csv} against 127.0.0.1:port and returns the result of its one test.
   *
   * @param command the command and its arguments (may hold __rand_int__ placeholders, with -r)
   */
  static Result benchmark(int port, int clients, int requests, int pipeline, int randomRange, List<String> command)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(find("redis-benchmark"), "-h", "127.0.0.1", "-p",
        Integer.toString(port), "-c", Integer.toString(clients), "-n", Integer.toString(requests),
        "-P", Integer.toString(pipeline), "--csv"));
    if (randomRange > 0) {
      cmd.addAll(List.of("-r", Integer.toString(randomRange)));
    }
    cmd.addAll(command);
    String out = run(cmd, 3600);
    for (String line : out.split("\n")) {
      // The test's name is the command, which may hold commas (MEM.ADDALL's JSON): its 7 figures are the last fields
      String[] f = line.replace("\"", "").split(",");
      int n = f.length;
      if (n >= 8 && !f[0].equals("test")) {
        try {
          return new Result(String.join(",", java.util.Arrays.copyOf(f, n - 7)), Double.parseDouble(f[n - 7]),
              Double.parseDouble(f[n - 4]), Double.parseDouble(f[n - 2]));
        } catch (NumberFormatException e) {
          break;
        }
      }
    }
    throw new IOException("redis-benchmark gave no result line; its output:\n" + out);
  }
}
