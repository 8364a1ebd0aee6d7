package dev.aeon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pipelined writes, each of whose replies waits for the durability of its write and those before, lose nothing
 * acknowledged: {@code aeon serve} runs in a child JVM under SYNC while two clients send pipelines of 64 {@code
 * MEM.ADD} in one write each and read the replies as they come; it is killed with SIGKILL at a random moment, again and
 * again on the same directory. After every restart each event whose reply a client read is there with its text, and the
 * ids a pipeline got follow each other in its order. The random moment is counted from each client's first
 * acknowledged pipeline of the cycle, not from the start: on a loaded machine a fresh server JVM could take longer
 * than the whole delay to answer one, and a cycle that acknowledged nothing tested nothing.
 */
class PipelinedWritesCrashTest {

  private static final int CYCLES = 4;
  private static final int PIPELINE = 64;

  @Test
  @Timeout(600)
  void everyAcknowledgedPipelinedWriteSurvivesKill9(@TempDir Path dir) throws Throwable {
    long seed = Long.getLong("aeon.test.seed", System.nanoTime());
    Random random = new Random(seed);
    List<Writer> writers = List.of(new Writer("p0"), new Writer("p1"));
    for (int cycle = 0; cycle <= CYCLES; cycle++) {
      String context = "seed " + seed + " cycle " + cycle;
      Process server = ServerCrashTest.start(dir);
      try {
        int port = ServerCrashTest.port(server, dir, context);
        for (Writer w : writers) {
          w.verify(port, context);
        }
        if (cycle == CYCLES) {
          break;
        }
        List<Thread> threads = new ArrayList<>();
        for (Writer w : writers) {
          w.firstPipelineRead = new CountDownLatch(1);
          threads.add(Thread.ofPlatform().start(() -> w.writeUntilTheServerDies(port)));
        }
        for (Writer w : writers) {
          assertTrue(w.firstPipelineRead.await(300, TimeUnit.SECONDS), context + ": " + w.namespace
              + " had no pipeline acknowledged in 300 s");
        }
        Thread.sleep(random.nextInt(900));
        server.destroyForcibly();
        assertTrue(server.waitFor(30, TimeUnit.SECONDS), "the server did not die");
        for (Thread t : threads) {
          t.join();
        }
      } finally {
        server.destroyForcibly();
        server.waitFor(30, TimeUnit.SECONDS);
      }
    }
    for (Writer w : writers) {
      assertTrue(w.acknowledged.size() > PIPELINE, w.namespace + " had only " + w.acknowledged.size()
          + " writes acknowledged (seed " + seed + ")");
    }
  }

  /** One client's namespace and the events the server acknowledged in it: id to text. */
  private static final class Writer {
    final String namespace;
    final Map<Long, String> acknowledged = new TreeMap<>();
    private long nextText;
    private volatile Throwable failure;
    /** Counted down once the writer read a whole pipeline's replies in this cycle, or stopped. */
    volatile CountDownLatch firstPipelineRead;

    Writer(String namespace) {
      this.namespace = namespace;
    }

    void writeUntilTheServerDies(int port) {
      try (RespClient c = new RespClient(port)) {
        assertEquals("OK", c.call("SELECT", namespace));
        while (true) {
          ByteArrayOutputStream pipeline = new ByteArrayOutputStream();
          List<String> texts = new ArrayList<>();
          for (int i = 0; i < PIPELINE; i++) {
            String text = namespace + "-" + nextText++;
            texts.add(text);
            pipeline.writeBytes(RespClient.encode("MEM.ADD", "s", "user", text, "VECTOR", "VALUES", "2", "1",
                Integer.toString(i % 7)));
          }
          c.sendRaw(pipeline.toByteArray());
          long previous = -1;
          for (String text : texts) {
            long id = (Long) c.read();
            assertTrue(previous < 0 || id == previous + 1, namespace + ": id " + id + " after " + previous);
            previous = id;
            acknowledged.put(id, text);
          }
          firstPipelineRead.countDown();
        }
      } catch (IOException serverGone) {
        // the kill: the replies not read are writes that may be there or not
      } catch (Throwable t) {
        failure = t;
      } finally {
        firstPipelineRead.countDown(); // a writer that failed is reported by verify, not by the wait for it
      }
    }

    void verify(int port, String context) throws Throwable {
      if (failure != null) {
        throw failure;
      }
      try (RespClient c = new RespClient(port)) {
        c.call("HELLO", "3");
        assertEquals("OK", c.call("SELECT", namespace));
        ByteArrayOutputStream gets = new ByteArrayOutputStream();
        for (long id : acknowledged.keySet()) {
          gets.writeBytes(RespClient.encode("MEM.GET", Long.toString(id)));
        }
        c.sendRaw(gets.toByteArray());
        for (Map.Entry<Long, String> e : acknowledged.entrySet()) {
          Object event = c.read();
          assertEquals(e.getValue(), assertInstanceOf(Map.class, event, context + ": " + namespace + " lost event "
              + e.getKey() + " (" + e.getValue() + "), whose reply was read").get("text"));
        }
      }
    }
  }
}
