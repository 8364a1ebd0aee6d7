package dev.aeon.wal.crash;

import dev.aeon.wal.Durability;
import dev.aeon.wal.RecoveryReport;
import dev.aeon.wal.Wal;
import dev.aeon.wal.WalOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Kills a {@link CrashWriter} child JVM with SIGKILL at random moments, over and over on one log, and
 * after each kill reopens the log and checks it against every acknowledgement the child printed: each
 * acknowledged record must be present with its exact content, LSNs must be gapless, every record in the log
 * must be one a writer produced, and none may appear twice (each is appended once and never retried).
 * Segments are small so that kills also land during rotation.
 *
 * <p>Run it on any disk: {@code java -cp ... dev.aeon.wal.crash.CrashCheck DIR CYCLES [SEED]}.
 */
public final class CrashCheck {

  /**
   * @param dir the log directory (created; reused across cycles)
   * @param cycles how many child processes to start and kill
   * @param seed seed of every random choice (durability, threads, when to kill)
   * @param segmentSize segment size of the log
   * @param progress where to print progress, one line every ten cycles
   */
  public record Config(Path dir, int cycles, long seed, long segmentSize, PrintStream progress) {}

  /**
   * @param cycles child processes killed
   * @param killedBeforeReady kills that landed before the child had opened the log (during its recovery)
   * @param acknowledged acknowledgements the children printed
   * @param lost acknowledged records missing or changed after recovery (must be 0)
   * @param repeated records found at a second LSN after recovery (must be 0)
   * @param recordsChecked records read back and verified over all cycles
   * @param tornTails recoveries that cut off a torn tail
   * @param maxBytesCut largest torn tail cut off, in bytes
   * @param checkpoints checkpoints the children took
   * @param problems every violation found, described
   */
  public record Result(int cycles, int killedBeforeReady, long acknowledged, long lost, long repeated,
      long recordsChecked, int tornTails, long maxBytesCut, int checkpoints, long millis, List<String> problems) {}

  private final Config config;
  private final Random random;
  /** Acknowledged records not yet covered by a checkpoint, by LSN. */
  private final Map<Long, CrashRecord> acked = new HashMap<>();
  private final List<String> problems = new ArrayList<>();
  private int killedBeforeReady;
  private long acknowledged;
  private long lost;
  private long repeated;
  private long recordsChecked;
  private int tornTails;
  private long maxBytesCut;
  private int checkpoints;

  CrashCheck(Config config) {
    this.config = config;
    this.random = new Random(config.seed());
  }

  public static Result run(Config config) throws IOException, InterruptedException {
    return new CrashCheck(config).runAll();
  }

  private Result runAll() throws IOException, InterruptedException {
    long start = System.nanoTime();
    Files.createDirectories(config.dir());
    config.progress().printf("crash check: %d cycles, seed %d, segments of %d bytes, log in %s%n", config.cycles(),
        config.seed(), config.segmentSize(), config.dir());
    for (int cycle = 1; cycle <= config.cycles() && problems.size() < 20; cycle++) {
      runCycle(cycle);
      verify(cycle);
      if (cycle % 10 == 0 || cycle == config.cycles()) {
        config.progress().printf("crash check: %d/%d cycles, %d acknowledged, %d lost, %d torn tails cut%n", cycle,
            config.cycles(), acknowledged, lost, tornTails);
      }
    }
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    return new Result(config.cycles(), killedBeforeReady, acknowledged, lost, repeated, recordsChecked, tornTails,
        maxBytesCut, checkpoints, millis, List.copyOf(problems));
  }

  private void runCycle(int cycle) throws IOException, InterruptedException {
    Durability mode = random.nextInt(4) == 0 ? Durability.ASYNC : Durability.SYNC;
    int threads = 1 + random.nextInt(8);
    boolean early = random.nextInt(5) == 0;
    long sleepMillis = early ? random.nextInt(600) : 20 + random.nextInt(400);
    Process child = new ProcessBuilder(childCommand(cycle, threads, mode))
        .redirectError(ProcessBuilder.Redirect.appendTo(config.dir().resolveSibling("crash-child.log").toFile()))
        .start();
    CountDownLatch ready = new CountDownLatch(1);
    List<String> lines = new ArrayList<>();
    Thread reader = Thread.ofPlatform().start(() -> readLines(child, lines, ready));
    if (early) {
      Thread.sleep(sleepMillis);
    } else if (ready.await(60, TimeUnit.SECONDS)) {
      Thread.sleep(sleepMillis);
    } else {
      problems.add("cycle " + cycle + ": the child did not open the log within 60 s");
    }
    boolean wasReady = ready.getCount() == 0;
    child.destroyForcibly(); // SIGKILL
    child.waitFor();
    reader.join();
    if (!wasReady) {
      killedBeforeReady++;
    }
    for (String line : lines) {
      collect(cycle, line);
    }
  }

  private List<String> childCommand(int cycle, int threads, Durability mode) {
    String java = ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    return List.of(java, "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
        "-Xmx128m", "-Xshare:auto", "-cp", System.getProperty("java.class.path"), CrashWriter.class.getName(),
        config.dir().toString(), Integer.toString(cycle), Integer.toString(threads), mode.name(),
        Long.toString(config.segmentSize()), "300");
  }

  private static void readLines(Process child, List<String> lines, CountDownLatch ready) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(),
        StandardCharsets.US_ASCII))) {
      for (String line; (line = in.readLine()) != null; ) {
        if (line.startsWith("READY")) {
          ready.countDown();
        } else {
          lines.add(line);
        }
      }
    } catch (IOException e) {
      // the pipe broke with the child: what was read is what was printed
    }
  }

  /** Records one line the child printed; a line cut short by the kill is ignored. */
  private void collect(int cycle, String line) {
    String[] f = line.split(" ");
    if (f[0].equals("ACK") && f.length == 5) {
      acknowledged++;
      acked.put(Long.parseLong(f[1]), new CrashRecord(Long.parseLong(f[2]), Integer.parseInt(f[3]),
          Long.parseLong(f[4])));
    } else if (f[0].equals("CHECKPOINT") && f.length == 2) {
      checkpoints++;
    } else if (f[0].equals("ERROR")) {
      problems.add("cycle " + cycle + ": the child failed: " + line);
    }
  }

  /** Reopens the log as the next writer would, and compares it with the acknowledgements. */
  void verify(int cycle) throws IOException {
    WalOptions options = WalOptions.defaults().segmentSize(config.segmentSize()).maxPayload(1024);
    try (Wal wal = Wal.open(config.dir(), options)) {
      RecoveryReport report = wal.recovery();
      if (report.damage().isPresent()) {
        tornTails++;
        maxBytesCut = Math.max(maxBytesCut, report.damage().get().bytesCut());
      }
      long checkpoint = wal.checkpointLsn();
      acked.keySet().removeIf(lsn -> lsn <= checkpoint);
      long[] previous = {checkpoint};
      Map<Long, CrashRecord> found = new HashMap<>();
      // A record replayed twice keeps the LSNs gapless and every acknowledged one intact: only this sees it.
      Map<CrashRecord, Long> firstLsn = new HashMap<>();
      wal.replay(checkpoint, (lsn, type, payload) -> {
        CrashRecord r = CrashRecord.decode(payload);
        if (r == null || type != CrashRecord.TYPE) {
          problems.add("cycle " + cycle + ": LSN " + lsn + " holds bytes no writer wrote");
        }
        if (lsn != previous[0] + 1) {
          problems.add("cycle " + cycle + ": LSN " + lsn + " follows LSN " + previous[0]);
        }
        previous[0] = lsn;
        Long earlier = r == null ? null : firstLsn.putIfAbsent(r, lsn);
        if (earlier != null) {
          repeated++;
          problems.add("cycle " + cycle + ": LSN " + lsn + " repeats " + r + " of LSN " + earlier);
        }
        found.put(lsn, r);
        recordsChecked++;
      });
      for (Map.Entry<Long, CrashRecord> e : acked.entrySet()) {
        if (!e.getValue().equals(found.get(e.getKey()))) {
          lost++;
          problems.add("cycle " + cycle + ": acknowledged LSN " + e.getKey() + " " + e.getValue() + " came back as "
              + found.get(e.getKey()));
        }
      }
      if (wal.lastLsn() < acked.keySet().stream().mapToLong(Long::longValue).max().orElse(0)) {
        problems.add("cycle " + cycle + ": the log ends at LSN " + wal.lastLsn() + ", before acknowledged records");
      }
    } catch (IOException e) {
      problems.add("cycle " + cycle + ": reopening failed: " + e);
      throw e;
    }
  }

  /** Every violation found so far. */
  List<String> problems() {
    return List.copyOf(problems);
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: CrashCheck DIR CYCLES [SEED] [SEGMENT_SIZE]");
      System.exit(2);
    }
    long seed = args.length > 2 ? Long.parseLong(args[2]) : System.nanoTime();
    long segmentSize = args.length > 3 ? Long.parseLong(args[3]) : 64 << 10;
    Result r = run(new Config(Path.of(args[0]), Integer.parseInt(args[1]), seed, segmentSize, System.out));
    System.out.println(r);
    System.exit(r.problems().isEmpty() ? 0 : 1);
  }
}
