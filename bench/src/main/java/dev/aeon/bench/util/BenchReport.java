package dev.aeon.bench.util;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes {@code target/bench/NAME.json} with the machine and JDK named in every report. */
public final class BenchReport {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private BenchReport() {}

  /** A report map that starts with the JDK, the CPU and the core count. */
  public static Map<String, Object> header() {
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("jdk", System.getProperty("java.vm.vendor") + " " + Runtime.version());
    report.put("cpu", cpuModel());
    report.put("cores", Runtime.getRuntime().availableProcessors());
    return report;
  }

  /** Writes the report and prints where. */
  public static Path write(String name, Map<String, Object> report) throws IOException {
    Path out = Path.of("target", "bench", name + ".json");
    Files.createDirectories(out.getParent());
    JSON.writeValue(out.toFile(), report);
    System.out.println("wrote " + out);
    return out;
  }

  public static double round(double value, int decimals) {
    double scale = Math.pow(10, decimals);
    return Math.round(value * scale) / scale;
  }

  static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: fall through to the architecture
    }
    return System.getProperty("os.arch");
  }
}
