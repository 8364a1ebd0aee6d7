package dev.aeon.engine;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

/**
 * The process {@link EngineCrashTest} kills: remembers, links, marks (sets or removes the attribute
 * {@code mark}) and forgets under SYNC durability and, after each acknowledgement, appends a line to the
 * ack file ({@code R id seed}, {@code L from to}, {@code M id mark}, {@code F id}; {@code m id mark} before
 * a mark and {@code f id} before a forget, whose effect may be there or not when the kill comes first; a
 * mark of {@code -} removes it). Now and then it compacts ({@code C} after), so that kills land in compactions
 * too. The kernel keeps those lines when the process is killed, so the test knows exactly what was acknowledged.
 * Vectors are given with their model ({@link #MODEL}), which the namespace records with the first.
 */
public final class CrashChild {

  static final String MODEL = "crash-child-unit-vectors";

  private CrashChild() {}

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    Random random = new Random(Long.parseLong(args[2]));
    AeonOptions options = AeonOptions.defaults().withWalSegmentBytes(256 << 10)
        .withCheckpoints(64 << 10, java.time.Duration.ofMillis(200));
    try (PrintStream acks = new PrintStream(new FileOutputStream(args[1], true), true);
         Aeon aeon = Aeon.open(dir, options)) {
      Memory m = aeon.memory();
      List<Long> live = new ArrayList<>(m.history("s", Integer.MAX_VALUE).stream().map(Event::id).toList());
      acks.println("START");
      while (true) {
        if (random.nextInt(50) == 0) {
          m.compact(); // the kill may come during one: the trace's meta log and the log's segments are replaced
          acks.println("C");
        }
        int op = random.nextInt(13);
        if (op == 12) {
          rememberAll(m, random, live, acks);
        } else if (op < 7 || live.size() < 2) {
          long seed = random.nextLong();
          long id = m.remember(Remember.event("s", "user", "text-" + seed).vector(TestVectors.unit(seed), MODEL)
              .attribute("seed", seed));
          acks.println("R " + id + " " + seed);
          live.add(id);
        } else if (op < 8) {
          long from = live.get(random.nextInt(live.size())), to = live.get(random.nextInt(live.size()));
          m.link(from, "REFERS_TO", to, Long.MIN_VALUE, Long.MAX_VALUE);
          acks.println("L " + from + " " + to);
        } else if (op < 10) {
          long id = live.get(random.nextInt(live.size()));
          Long mark = random.nextInt(3) == 0 ? null : random.nextLong();
          String shown = mark == null ? "-" : mark.toString();
          acks.println("m " + id + " " + shown);
          Map<String, Object> change = new HashMap<>();
          change.put("mark", mark);
          m.setAttributes(id, change);
          acks.println("M " + id + " " + shown);
        } else {
          long id = live.remove(random.nextInt(live.size()));
          acks.println("f " + id);
          m.forget(id);
          acks.println("F " + id);
        }
      }
    }
  }

  /**
   * Remembers 1 to 16 events at once, announced by their seeds ({@code b seed,seed,...}) and acknowledged with their
   * ids ({@code B id:seed,id:seed>target,...}); one of them now and then linked to a live event ({@code >target}), and
   * one to another event of the batch, before or after it ({@link Remember#link(String, Remember)}), so that replay
   * applies a batch's links too.
   */
  private static void rememberAll(Memory m, Random random, List<Long> live, PrintStream acks) {
    int n = 1 + random.nextInt(16);
    int linked = !live.isEmpty() && random.nextInt(3) == 0 ? random.nextInt(n) : -1;
    long target = linked < 0 ? 0 : live.get(random.nextInt(live.size()));
    int inBatchFrom = n > 1 && random.nextInt(3) == 0 ? random.nextInt(n) : -1;
    int inBatchTo = random.nextInt(n);
    List<Long> seeds = new ArrayList<>();
    List<Remember> batch = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      long seed = random.nextLong();
      seeds.add(seed);
      Remember r = Remember.event("s", "user", "text-" + seed).vector(TestVectors.unit(seed), MODEL)
          .attribute("seed", seed);
      if (i == linked) {
        r.link("REFERS_TO", target);
      }
      batch.add(r);
    }
    if (inBatchFrom >= 0) {
      batch.get(inBatchFrom).link("REFERS_TO", batch.get(inBatchTo));
    }
    acks.println("b " + seeds.stream().map(String::valueOf).collect(Collectors.joining(",")));
    List<Long> ids = m.rememberAll(batch);
    StringBuilder ack = new StringBuilder("B ");
    for (int i = 0; i < n; i++) {
      ack.append(i == 0 ? "" : ",").append(ids.get(i)).append(':').append(seeds.get(i))
          .append(i == linked ? ">" + target : "").append(i == inBatchFrom ? ">" + ids.get(inBatchTo) : "");
    }
    acks.println(ack);
    live.addAll(ids);
  }
}
