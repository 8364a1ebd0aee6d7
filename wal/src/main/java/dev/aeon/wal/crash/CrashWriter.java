package dev.aeon.wal.crash;

import dev.aeon.wal.Durability;
import dev.aeon.wal.Wal;
import dev.aeon.wal.WalOptions;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The child process of {@link CrashCheck}: opens the WAL, prints {@code READY}, then appends
 * {@link CrashRecord}s from several threads until it is killed, printing {@code ACK lsn run thread seq}
 * on standard output after each acknowledgement (unbuffered: what was printed was acknowledged). Thread 0
 * also checkpoints now and then, so that segments get deleted while the process may be killed.
 *
 * <p>Arguments: {@code dir run threads durability segmentSize checkpointEvery}.
 */
public final class CrashWriter {

  private static final FileOutputStream OUT = new FileOutputStream(FileDescriptor.out);

  private CrashWriter() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    long run = Long.parseLong(args[1]);
    int threads = Integer.parseInt(args[2]);
    Durability durability = Durability.valueOf(args[3]);
    long segmentSize = Long.parseLong(args[4]);
    int checkpointEvery = Integer.parseInt(args[5]);
    Wal wal = Wal.open(dir, WalOptions.defaults().durability(durability).segmentSize(segmentSize)
        .maxPayload(1024).asyncForceIntervalMillis(5));
    print("READY " + wal.lastLsn() + "\n");
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      workers.add(Thread.ofPlatform().start(() -> appendForever(wal, run, thread, checkpointEvery)));
    }
    for (Thread w : workers) {
      w.join();
    }
  }

  private static void appendForever(Wal wal, long run, int thread, int checkpointEvery) {
    try {
      for (long seq = 0; ; seq++) {
        long lsn = wal.appendAndWait(CrashRecord.TYPE, new CrashRecord(run, thread, seq).encode());
        print("ACK " + lsn + " " + run + " " + thread + " " + seq + "\n");
        if (thread == 0 && checkpointEvery > 0 && seq % checkpointEvery == checkpointEvery - 1) {
          // Pretend everything but the last few hundred records has been applied elsewhere.
          long target = wal.durableLsn() - 200;
          if (target > wal.checkpointLsn()) {
            wal.checkpoint(target);
            print("CHECKPOINT " + target + "\n");
          }
        }
      }
    } catch (IOException e) {
      print("ERROR " + e + "\n");
      System.exit(3);
    }
  }

  private static void print(String line) {
    byte[] bytes = line.getBytes(StandardCharsets.US_ASCII);
    synchronized (OUT) {
      try {
        OUT.write(bytes);
      } catch (IOException e) {
        System.exit(4); // the checker is gone
      }
    }
  }
}
