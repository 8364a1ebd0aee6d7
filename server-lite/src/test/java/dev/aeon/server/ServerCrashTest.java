package dev.aeon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety of what the server adds to the engine (vector sets as sessions of events, replies sent once a
 * write is durable): {@code aeon serve} runs in a child JVM under SYNC while two clients write, and is killed
 * with SIGKILL at a random moment, again and again on the same directory. Each client keeps a model of its
 * own namespace: a vector set whose elements are added, replaced, given attributes and removed, and events
 * remembered (one at a time, and in batches of MEM.ADDALL) and forgotten. After every restart each model must
 * match what the server holds, except for the one command a client had sent when the server died, which may have
 * happened or not (a batch: all its events or none).
 */
public class ServerCrashTest {

  static final int CYCLES = Integer.getInteger("aeon.server.crash.cycles", 8);
  private static final Pattern STARTED = Pattern.compile("started on 127\\.0\\.0\\.1:(\\d+)");

  @Test
  @Timeout(900)
  void acknowledgedWritesSurviveKill9(@TempDir Path dir) throws Exception {
    run(dir, Long.getLong("aeon.test.seed", System.nanoTime()), CYCLES);
  }

  /** Kills the server {@code cycles} times in {@code dir}; after every restart it must match the clients' models. */
  public static void run(Path dir, long seed, int cycles) throws Exception {
    System.out.println("ServerCrashTest seed " + seed + ", " + cycles + " cycles");
    Random random = new Random(seed);
    List<ClientModel> clients =
        List.of(new ClientModel("w0", random.nextLong()), new ClientModel("w1", random.nextLong()));
    for (int cycle = 0; cycle <= cycles; cycle++) {
      String context = "seed " + seed + " cycle " + cycle;
      Process server = start(dir);
      try {
        int port = port(server, dir, context);
        for (ClientModel client : clients) {
          client.verify(port, context);
        }
        if (cycle == cycles) {
          break;
        }
        List<Thread> writers = new ArrayList<>();
        long[] before = new long[clients.size()];
        for (int i = 0; i < clients.size(); i++) {
          ClientModel client = clients.get(i);
          before[i] = client.acknowledged;
          writers.add(Thread.ofPlatform().start(() -> client.writeUntilTheServerDies(port)));
        }
        // The kill comes at a random moment after each writer's first reply of the cycle, not after a fixed delay from
        // the server's start: on a loaded machine that delay could pass before any write was acknowledged
        for (int i = 0; i < clients.size(); i++) {
          awaitAWrite(clients.get(i), before[i], context);
        }
        Thread.sleep(200 + random.nextInt(800));
        server.destroyForcibly();
        assertTrue(server.waitFor(30, TimeUnit.SECONDS), "the server did not die");
        for (Thread writer : writers) {
          writer.join();
        }
      } finally {
        server.destroyForcibly();
        server.waitFor(30, TimeUnit.SECONDS);
      }
    }
    for (ClientModel client : clients) {
      assertTrue(client.acknowledged > cycles,
          client.namespace + " had only " + client.acknowledged + " writes acknowledged");
      System.out.println("ServerCrashTest " + client.namespace + ": " + client.acknowledged + " writes acknowledged, "
          + client.elements.size() + " elements and " + client.events.size() + " events at the end");
    }
  }

  /** Waits until {@code client} has had a write acknowledged since it had {@code before}, or fails. */
  private static void awaitAWrite(ClientModel client, long before, String context) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (client.acknowledged == before && client.failure == null) {
      assertTrue(System.nanoTime() < deadline, context + ": " + client.namespace + ": no write acknowledged in 60 s");
      Thread.sleep(5);
    }
  }

  static Process start(Path dir) throws IOException {
    List<String> cmd = List.of(
        ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java"),
        "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), ServerMain.class.getName(),
        "--port", "0", "--dir", dir.resolve("data").toString(), "--durability", "sync", "--embedder", "none");
    return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("stderr.txt").toFile()))
        .start();
  }

  static int port(Process server, Path dir, String context) throws IOException {
    BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    String first = out.readLine();
    Matcher m = STARTED.matcher(first == null ? "" : first);
    assertTrue(m.find(),
        context + ": start line " + first + ", stderr: " + Files.readString(dir.resolve("stderr.txt")));
    return Integer.parseInt(m.group(1));
  }

  /** An element of a vector set: its exact vector (NOQUANT) and its JSON attributes, or null for none. */
  record Element(List<Double> vector, String json) {}

  /**
   * One client's namespace, what the server acknowledged in it, and the command that was in flight when the
   * server died. Each client has a namespace of its own, so the two never touch the same state.
   */
  static final class ClientModel {
    final String namespace;
    final Random random;
    final Map<String, Element> elements = new TreeMap<>();
    final Map<Long, String> events = new TreeMap<>(); // id -> text
    /** Written by the client's writer thread, read by the test's while it waits for a first reply. */
    volatile long acknowledged;
    private long nextText;
    /** The element a command in flight changes and what it would hold afterwards (null: removed). */
    private String pendingElement;
    private Element pendingAfter;
    /** An event being remembered (its text) or forgotten (its id) when the server died. */
    private String pendingRemember;
    private long pendingForget;
    /** A DEL of the whole set was in flight: the set is then either as it was or gone. */
    private boolean pendingDelete;
    /** The texts of a MEM.ADDALL in flight: all of them are there or none. */
    private List<String> pendingBatch = List.of();

    ClientModel(String namespace, long seed) {
      this.namespace = namespace;
      this.random = new Random(seed);
    }

    /** A wrong reply seen by {@link #writeUntilTheServerDies}, thrown again by the next verify. */
    private volatile Throwable failure;

    /** Sends random writes, checking each reply against the model, until the connection breaks. */
    void writeUntilTheServerDies(int port) {
      try (RespClient c = connect(port)) {
        while (true) {
          step(c);
        }
      } catch (IOException serverGone) {
        // the kill: what was in flight stays pending until the next verify
      } catch (Throwable t) {
        failure = t;
      }
    }

    private void step(RespClient c) throws IOException {
      String element = "e" + random.nextInt(24);
      Element before = elements.get(element);
      if (random.nextInt(40) == 0) { // rarely, so that the set mostly has elements to change
        pendingDelete = true;
        assertEquals(elements.isEmpty() ? 0L : 1L, c.call("DEL", "set"), namespace + ": DEL");
        elements.clear();
        acknowledged++;
        clearPending();
        return;
      }
      switch (random.nextInt(6)) {
        case 0, 1 -> {
          // never -0.0, which would not equal 0
          List<Double> vector =
              List.of(1.0 + random.nextInt(100), (double) random.nextInt(100), 0.0 - random.nextInt(100));
          String json = random.nextBoolean() ? "{\"n\":" + random.nextInt(1000) + "}" : null;
          List<Object> args = new ArrayList<>(List.of("VADD", "set", "VALUES", "3"));
          vector.forEach(v -> args.add(Long.toString(v.longValue())));
          args.addAll(List.of(element, "NOQUANT"));
          if (json != null) {
            args.addAll(List.of("SETATTR", json));
          }
          Element after = new Element(vector, json != null ? json : before == null ? null : before.json());
          expectElement(element, after);
          assertEquals(before == null, c.call(args.toArray()), namespace + ": VADD " + element);
          elements.put(element, after);
        }
        case 2 -> {
          expectElement(element, null);
          assertEquals(before != null, c.call("VREM", "set", element), namespace + ": VREM " + element);
          elements.remove(element);
        }
        case 3 -> {
          String json = "{\"m\":" + random.nextInt(1000) + "}";
          Element after = before == null ? null : new Element(before.vector(), json);
          expectElement(element, after);
          assertEquals(before != null, c.call("VSETATTR", "set", element, json), namespace + ": VSETATTR");
          if (after != null) {
            elements.put(element, after);
          }
        }
        case 4 -> {
          if (random.nextBoolean()) {
            addAll(c);
            break;
          }
          String text = namespace + "-text-" + nextText++;
          pendingRemember = text;
          long id = (Long) c.call("MEM.ADD", "s", "user", text, "VECTOR", "VALUES", "2", "1",
              Integer.toString(random.nextInt(9)));
          events.put(id, text);
        }
        default -> {
          if (events.isEmpty()) {
            return;
          }
          long id = new ArrayList<>(events.keySet()).get(random.nextInt(events.size()));
          pendingForget = id;
          assertEquals(1L, c.call("MEM.FORGET", Long.toString(id)), namespace + ": MEM.FORGET " + id);
          events.remove(id);
        }
      }
      acknowledged++;
      clearPending();
    }

    /** MEM.ADDALL of 1 to 8 events, each linked to the one before it: all of them or none may survive a kill. */
    private void addAll(RespClient c) throws IOException {
      List<Object> args = new ArrayList<>(List.of("MEM.ADDALL"));
      pendingBatch = new ArrayList<>();
      for (int i = 1 + random.nextInt(8); i > 0; i--) {
        String text = namespace + "-text-" + nextText++;
        pendingBatch.add(text);
        args.add("{\"session\": \"s\", \"role\": \"user\", \"text\": \"" + text + "\", \"vector\": [1, "
            + random.nextInt(9) + "]" + (args.size() > 1 ? ", \"links\": [{\"type\": \"PREV\", \"index\": "
            + (args.size() - 2) + "}]" : "") + "}");
      }
      List<?> ids = (List<?>) c.call(args.toArray());
      assertEquals(pendingBatch.size(), ids.size(), namespace + ": MEM.ADDALL");
      for (int i = 0; i < ids.size(); i++) {
        events.put((Long) ids.get(i), pendingBatch.get(i));
      }
    }

    private void expectElement(String element, Element after) {
      pendingElement = element;
      pendingAfter = after;
    }

    private void clearPending() {
      pendingElement = null;
      pendingAfter = null;
      pendingRemember = null;
      pendingForget = 0;
      pendingDelete = false;
      pendingBatch = List.of();
    }

    /** Compares the server's state with the model, settling the command that was in flight either way. */
    void verify(int port, String context) throws IOException {
      String where = context + ", namespace " + namespace;
      if (failure != null) {
        throw new AssertionError(where + ": a reply before the kill was wrong", failure);
      }
      try (RespClient c = connect(port)) {
        if (pendingDelete && (Long) c.call("VCARD", "set") == 0) {
          elements.clear();
        }
        if (pendingElement != null) {
          Element found = read(c, pendingElement);
          Element before = elements.get(pendingElement);
          assertTrue(Objects.equals(found, before) || Objects.equals(found, pendingAfter),
              where + ": element " + pendingElement + " is " + found + ", neither " + before + " nor " + pendingAfter);
          if (found == null) {
            elements.remove(pendingElement);
          } else {
            elements.put(pendingElement, found);
          }
        }
        for (int i = 0; i < 24; i++) {
          String element = "e" + i;
          assertEquals(elements.get(element), read(c, element), where + ": element " + element);
        }
        assertEquals((long) elements.size(), c.call("VCARD", "set"), where + ": VCARD");

        Map<Long, String> found = new HashMap<>();
        for (Object e : (List<?>) c.call("MEM.TRACE", "s", "COUNT", "1000000")) {
          Map<?, ?> event = (Map<?, ?>) e;
          found.put((Long) event.get("id"), (String) event.get("text"));
        }
        if (pendingForget != 0 && !found.containsKey(pendingForget)) {
          events.remove(pendingForget);
        }
        if (pendingRemember != null) {
          found.entrySet().stream().filter(e -> e.getValue().equals(pendingRemember)).findFirst()
              .ifPresent(e -> events.put(e.getKey(), e.getValue()));
        }
        Map<String, Long> idOfText = new HashMap<>();
        found.forEach((id, text) -> idOfText.put(text, id));
        long batchFound = pendingBatch.stream().filter(idOfText::containsKey).count();
        assertTrue(batchFound == 0 || batchFound == pendingBatch.size(),
            where + ": " + batchFound + " of the " + pendingBatch.size() + " events of a batch in flight");
        pendingBatch.forEach(text -> {
          if (idOfText.containsKey(text)) {
            events.put(idOfText.get(text), text);
          }
        });
        assertEquals(events, found, where + ": events");
      }
      clearPending();
    }

    private static Element read(RespClient c, String element) throws IOException {
      Object vector = c.call("VEMB", "set", element);
      if (vector == null) {
        return null;
      }
      List<Double> values = new ArrayList<>();
      for (Object v : (List<?>) vector) {
        values.add(v instanceof RespClient.Dbl d ? d.value() : Double.parseDouble(v.toString()));
      }
      return new Element(values, (String) c.call("VGETATTR", "set", element));
    }

    private RespClient connect(int port) throws IOException {
      return TestServer.resp3(port, namespace);
    }
  }
}
