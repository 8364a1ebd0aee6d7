package dev.aeon.bench.ann;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Fetches a Debian package's files without root: {@code apt-get download} then {@code dpkg -x} into a
 * cache folder, once. Later runs find the extracted files and touch no network.
 */
final class DebianPackage {

  private DebianPackage() {}

  /**
   * The folder the package {@code name} is extracted into ({@code cacheRoot/name}), fetching it first if
   * {@code marker} (a path relative to the extraction root) does not exist yet.
   */
  static Path extracted(String name, Path cacheRoot, String marker) throws DataUnavailableException {
    Path root = cacheRoot.resolve(name);
    if (Files.exists(root.resolve(marker))) {
      return root;
    }
    try {
      Files.createDirectories(root);
      System.out.println("  fetching Debian package " + name + " into " + root + " ...");
      run(root, "apt-get", "download", name);
      Path deb;
      try (Stream<Path> files = Files.list(root)) {
        deb = files.filter(p -> p.getFileName().toString().startsWith(name + "_")
            && p.getFileName().toString().endsWith(".deb")).findFirst().orElse(null);
      }
      if (deb == null) {
        throw new DataUnavailableException("apt-get download " + name + " produced no .deb in " + root);
      }
      run(root, "dpkg", "-x", deb.toString(), root.toString());
    } catch (IOException e) {
      throw new DataUnavailableException("cannot fetch Debian package " + name + ": " + e.getMessage(), e);
    }
    if (!Files.exists(root.resolve(marker))) {
      throw new DataUnavailableException("Debian package " + name + " does not hold " + marker);
    }
    return root;
  }

  private static void run(Path cwd, String... cmd) throws IOException, DataUnavailableException {
    Process p;
    try {
      p = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new DataUnavailableException("cannot run " + cmd[0] + " (is this a Debian-like system?): "
          + e.getMessage(), e);
    }
    String output;
    try (InputStream out = p.getInputStream()) {
      output = new String(out.readAllBytes(), StandardCharsets.UTF_8).strip();
    }
    try {
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new DataUnavailableException("'" + String.join(" ", cmd) + "' did not finish in 10 minutes");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DataUnavailableException("interrupted while running " + cmd[0], e);
    }
    if (p.exitValue() != 0) {
      throw new DataUnavailableException("'" + String.join(" ", cmd) + "' failed (exit " + p.exitValue()
          + "): " + output);
    }
  }
}
