package dev.aeon.index.atlas;

import dev.aeon.common.UserCache;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Assumptions;

/**
 * Real vectors for the recall test: Fashion-MNIST images (784 pixels as floats) from Debian's
 * {@code dataset-fashion-mnist}, fetched once with {@code apt-get download} + {@code dpkg -x} into
 * {@code fashion-mnist} in the user's cache ({@link UserCache}: {@code ~/.cache/aeon} or
 * {@code $AEON_CACHE}). The test is skipped, with the reason, when the package cannot be had.
 */
final class FashionMnistSample {

  static final String PACKAGE = "dataset-fashion-mnist";
  static final int DIM = 784;

  private FashionMnistSample() {}

  /** The first {@code n} images of {@code file} ("train" or "t10k"). */
  static float[][] load(String file, int n) throws IOException, InterruptedException {
    Path gz = dataDir().resolve(file + "-images-idx3-ubyte.gz");
    try (DataInputStream in = new DataInputStream(new GZIPInputStream(Files.newInputStream(gz), 1 << 16))) {
      int magic = in.readInt(), count = in.readInt(), rows = in.readInt(), cols = in.readInt();
      if (magic != 0x803 || rows * cols != DIM || count < n) {
        throw new IOException(gz + ": not an IDX image file of " + n + "+ images of 28x28 (magic " + magic + ")");
      }
      float[][] out = new float[n][DIM];
      byte[] img = new byte[DIM];
      for (int i = 0; i < n; i++) {
        in.readFully(img);
        for (int j = 0; j < DIM; j++) {
          out[i][j] = img[j] & 0xFF;
        }
      }
      return out;
    }
  }

  private static Path dataDir() throws IOException, InterruptedException {
    Path root = UserCache.root().resolve("fashion-mnist");
    Path data = root.resolve("usr/share/datasets/fashion-mnist");
    if (Files.exists(data.resolve("t10k-images-idx3-ubyte.gz"))) {
      return data;
    }
    Files.createDirectories(root);
    run(root, "apt-get", "download", PACKAGE);
    try (var debs = Files.list(root)) {
      Path deb = debs.filter(p -> p.getFileName().toString().startsWith(PACKAGE) && p.toString().endsWith(".deb"))
          .findFirst().orElse(null);
      Assumptions.assumeTrue(deb != null, "skipped: could not download the Debian package " + PACKAGE);
      run(root, "dpkg", "-x", deb.toString(), root.toString());
    }
    Assumptions.assumeTrue(Files.exists(data.resolve("t10k-images-idx3-ubyte.gz")),
        "skipped: " + PACKAGE + " did not contain the expected files");
    return data;
  }

  private static void run(Path cwd, String... cmd) throws IOException, InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true).start();
    } catch (IOException e) {
      Assumptions.abort("skipped: cannot run " + cmd[0] + " to fetch " + PACKAGE + ": " + e.getMessage());
      return;
    }
    try (InputStream out = p.getInputStream()) {
      out.transferTo(java.io.OutputStream.nullOutputStream());
    }
    if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
      p.destroyForcibly();
      Assumptions.abort("skipped: '" + String.join(" ", cmd) + "' failed; " + PACKAGE + " is not available here");
    }
  }
}
