package dev.aeon.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OnnxTextEmbedderTest {

  private static OnnxTextEmbedder embedder;

  private static final List<String> SENTENCES = List.of(
      "I moved to Lisbon last month and I love the tiles on the buildings.",
      "Last month I relocated to Lisbon; the azulejo facades are wonderful.",
      "The quarterly tax report is due on Friday.",
      "My cat knocked a glass off the kitchen table this morning.",
      "",
      "ok");

  @BeforeAll
  static void open() {
    embedder = OnnxTextEmbedder.open();
  }

  @AfterAll
  static void close() {
    embedder.close();
  }

  static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }

  @Test
  void vectorsHaveTheModelDimensionAndUnitNorm() {
    assertEquals(384, embedder.dimension());
    assertEquals("all-MiniLM-L6-v2-q", embedder.model());
    for (float[] v : embedder.embedAll(SENTENCES)) {
      assertEquals(384, v.length);
      assertEquals(1.0, Math.sqrt(dot(v, v)), 1e-5);
    }
  }

  @Test
  void paraphrasesAreCloserThanUnrelatedSentences() {
    List<float[]> v = embedder.embedAll(SENTENCES);
    double paraphrase = dot(v.get(0), v.get(1));
    assertTrue(paraphrase > 0.6, "paraphrase similarity " + paraphrase);
    assertTrue(paraphrase > dot(v.get(0), v.get(2)) + 0.3);
    assertTrue(paraphrase > dot(v.get(0), v.get(3)) + 0.3);
    float[] query = embedder.embedQuery("Where does the user live now?");
    assertTrue(dot(query, v.get(0)) > dot(query, v.get(2)));
  }

  @Test
  void matchesTheLangchain4jReferenceImplementation() {
    // langchain4j ships the same quantized graph with its own tokenizer and pooling code.
    var reference = new AllMiniLmL6V2QuantizedEmbeddingModel();
    List<float[]> ours = embedder.embedAll(SENTENCES.subList(0, 4));
    for (int i = 0; i < 4; i++) {
      float[] theirs = reference.embed(SENTENCES.get(i)).content().vector();
      assertEquals(1.0, dot(ours.get(i), theirs), 1e-4, "sentence " + i);
    }
  }

  @Test
  void aBatchGivesTheSameVectorsAsOneTextAtATime() {
    List<String> texts = new ArrayList<>(SENTENCES);
    texts.add("a much longer sentence ".repeat(40)); // forces another padded length into the batch
    List<float[]> batch = embedder.embedAll(texts);
    for (int i = 0; i < texts.size(); i++) {
      // Each window runs alone, so the company a text keeps in a batch cannot change its vector.
      assertArrayEquals(embedder.embed(texts.get(i)), batch.get(i), "text " + i);
    }
  }

  @Test
  void sameInputGivesBitIdenticalOutput() {
    List<float[]> a = embedder.embedAll(SENTENCES);
    List<float[]> b = embedder.embedAll(SENTENCES);
    for (int i = 0; i < a.size(); i++) {
      assertArrayEquals(a.get(i), b.get(i), "text " + i);
    }
  }

  @Test
  void textsLongerThanTheWindowAreAveragedOverWindowsNotCut() {
    String filler = "We talked about the weather, the traffic and the price of coffee again. ".repeat(25);
    String tail = "Finally, my sister adopted a golden retriever puppy named Biscuit.";
    String longText = filler + tail;
    assertTrue(embedder.tokenCount(longText) > 254, "test text must exceed one window");
    assertEquals(1, embedder.windowCount(tail));
    assertTrue(embedder.windowCount(longText) >= 2);

    float[] whole = embedder.embed(longText);
    float[] fillerOnly = embedder.embed(filler);
    float[] dog = embedder.embedQuery("Who adopted a puppy?");
    assertEquals(1.0, Math.sqrt(dot(whole, whole)), 1e-5);
    // The tail lies beyond the first window, yet it moves the vector toward its topic.
    assertTrue(dot(dog, whole) > dot(dog, fillerOnly) + 0.02,
        "whole " + dot(dog, whole) + " vs filler only " + dot(dog, fillerOnly));
  }

  @Test
  void concurrentCallersGetTheSameVectorsAsASingleCaller() throws Exception {
    List<float[]> expected = embedder.embedAll(SENTENCES);
    try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
      List<Future<List<float[]>>> futures = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        futures.add(pool.submit(() -> embedder.embedAll(SENTENCES)));
      }
      for (Future<List<float[]>> f : futures) {
        List<float[]> got = f.get();
        for (int i = 0; i < expected.size(); i++) {
          assertArrayEquals(expected.get(i), got.get(i), "text " + i);
        }
      }
    }
  }

  /**
   * What the tokenizer deletes (control characters, NUL, U+FFFD, and so an unpaired surrogate, which reaches it as
   * U+FFFD) is not there for the model: a text of only that embeds as the empty text, one with it as the text
   * without it. Any text, in any script, gets a unit vector, the same alone as in a batch.
   */
  @Test
  void charactersTheTokenizerDeletesAreNotThereForTheModel() {
    float[] empty = embedder.embed("");
    for (String nothing : new String[] {" \t\r\n ", "\u0000", "\u0001\u001f\u007f", "\ud800", "\udc00\ud800", "\ufffd",
        "\u200b"}) {
      assertArrayEquals(empty, embedder.embed(nothing), nothing.chars().mapToObj(Integer::toHexString).toList()
          .toString());
    }
    assertArrayEquals(embedder.embed("ab"), embedder.embed("a\ud83db"), "an unpaired surrogate");
    assertArrayEquals(embedder.embed("ab"), embedder.embed("a\u0000b"), "a NUL");
    List<String> texts = List.of("", "\u6211\u4e0a\u4e2a\u6708\u642c\u5230\u4e86\u91cc\u65af\u672c",
        "\u043f\u0440\u0438\u0432\u0435\u0442 \u043c\u0438\u0440",
        "\u0645\u0631\u062d\u0628\u0627", "\ud83d\ude00\ud83d\udc4d\ud83c\udffd", "x".repeat(100_000),
        "caf\u00e9 cafe\u0301");
    List<float[]> batch = embedder.embedAll(texts);
    for (int i = 0; i < texts.size(); i++) {
      assertEquals(1.0, Math.sqrt(dot(batch.get(i), batch.get(i))), 1e-5, "text " + i);
      assertArrayEquals(embedder.embed(texts.get(i)), batch.get(i), "text " + i);
    }
  }

  @Test
  void badInputIsRejectedClearly() {
    List<String> withNull = new ArrayList<>(List.of("a", "b"));
    withNull.add(null);
    NullPointerException e = assertThrows(NullPointerException.class, () -> embedder.embedAll(withNull));
    assertTrue(e.getMessage().contains("text 2"), e.getMessage());
    assertEquals(List.of(), embedder.embedAll(List.of()));
  }

  /**
   * A call made while close waits for the calls in flight fails at once. It waited for the lock behind close: made
   * by a fork-join worker (a parallel stream calling embed), it hung for good when the worker's queue held a
   * window of the call in flight, which close was waiting for. The call in flight here is held inside the
   * embedder by its list of texts, whose first get waits for the test.
   */
  @Test
  void aCallMadeWhileCloseWaitsForCallsInFlightFailsAtOnce() throws Exception {
    String text = "We talked about the weather, the traffic and the price of coffee again. ".repeat(30);
    float[] expected = embedder.embed(text);
    OnnxTextEmbedder other = OnnxTextEmbedder.open();
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<String> held = new AbstractList<>() {
      @Override
      public String get(int index) {
        inside.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
        return text;
      }

      @Override
      public int size() {
        return 1;
      }
    };
    try (ExecutorService threads = Executors.newFixedThreadPool(3)) {
      try {
        Future<List<float[]>> inFlight = threads.submit(() -> other.embedAll(held));
        inside.await();
        AtomicReference<Thread> closer = new AtomicReference<>();
        Future<?> closing = threads.submit(() -> {
          closer.set(Thread.currentThread());
          other.close();
        });
        assertTrue(parks(closer, closing), "close did not wait for the call in flight");
        AtomicReference<Thread> caller = new AtomicReference<>();
        Future<float[]> late = threads.submit(() -> {
          caller.set(Thread.currentThread());
          return other.embed("hello");
        });
        // Before, this call parked until the call in flight and close had ended.
        assertFalse(parks(caller, late), "a call made while close waits parked");
        ExecutionException e = assertThrows(ExecutionException.class, late::get);
        assertInstanceOf(IllegalStateException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains("closed"), e.getCause().getMessage());
        assertFalse(closing.isDone(), "close returned while a call was in flight");
        release.countDown();
        assertArrayEquals(expected, inFlight.get().getFirst(), "the call in flight");
        closing.get();
      } finally {
        release.countDown(); // a failed assertion leaves no thread waiting, which the executor's close would wait for
      }
    }
    assertThrows(IllegalStateException.class, () -> other.embed("hello"));
  }

  /**
   * A call whose window fails returns once none of its windows runs any more: it returned at the first failure
   * while the other windows still ran on the session, which close could then free under them. Every window fails
   * here, after its run, on a dimension the spec has wrong.
   */
  @Test
  void aCallWithAFailedWindowReturnsOnceNoneOfItsWindowsRuns() {
    ModelSpec wrong = new ModelSpec("wrong-dimension", ModelSpec.DEFAULT.onnxResource(),
        ModelSpec.DEFAULT.tokenizerResource(), 383, ModelSpec.DEFAULT.windowTokens(), Pooling.MEAN, "");
    String text = "We talked about the weather, the traffic and the price of coffee again. ".repeat(1200);
    try (OnnxTextEmbedder other = OnnxTextEmbedder.open(wrong)) {
      assertTrue(other.windowCount(text) > 50);
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> other.embed(text));
      assertTrue(e.getMessage().contains("expected [1, "), e.getMessage());
      assertEquals(other.windowCount(text) - 1, e.getSuppressed().length, "every other window's failure is told");
      List<String> running = Thread.getAllStackTraces().entrySet().stream()
          .filter(t -> Arrays.stream(t.getValue()).anyMatch(f ->
              f.getClassName().equals(OnnxTextEmbedder.class.getName())
              && f.getMethodName().equals("run")))
          .map(t -> t.getKey().getName()).toList();
      assertEquals(List.of(), running, "threads still running a window of the call that failed");
    }
  }

  /** Whether the thread that runs {@code task} parks before the task is done; false once it is done. */
  private static boolean parks(AtomicReference<Thread> thread, Future<?> task) {
    while (!task.isDone()) {
      Thread t = thread.get();
      if (t != null && t.getState() == Thread.State.WAITING && !task.isDone()) {
        return true;
      }
      Thread.onSpinWait();
    }
    return false;
  }

  @Test
  void aClosedEmbedderRefusesWork() {
    OnnxTextEmbedder other = OnnxTextEmbedder.open(ModelSpec.named("minilm"));
    other.close();
    other.close(); // idempotent
    assertThrows(IllegalStateException.class, () -> other.embed("hello"));
  }
}
