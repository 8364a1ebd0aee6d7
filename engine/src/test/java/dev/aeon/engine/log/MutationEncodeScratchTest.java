package dev.aeon.engine.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.engine.log.Mutation.AddLink;
import dev.aeon.engine.log.Mutation.ForgetEvent;
import dev.aeon.engine.log.Mutation.ForgetSession;
import dev.aeon.engine.log.Mutation.Invalidate;
import dev.aeon.engine.log.Mutation.LinkTo;
import dev.aeon.engine.log.Mutation.RememberBatch;
import dev.aeon.engine.log.Mutation.RememberEvent;
import dev.aeon.engine.log.Mutation.SetAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@link MutationCodec#encode} writes through a buffer its thread keeps ({@link EncodeScratch}): a record must be the
 * bytes it was before that buffer (the log's format), and nothing of one mutation may reach the next one the thread
 * encodes, large or small.
 */
class MutationEncodeScratchTest {

  /**
   * SHA-256 of {@link #mutations()} encoded one after the other by the codec before it kept a buffer (a new stream
   * per mutation): the log's records, byte for byte.
   */
  private static final String FORMAT_DIGEST = "8285b58959022d884b06953c6c6b771eff1644fae306b50590c432bc3a181ef3";

  @Test
  void recordsAreTheBytesTheyWereBeforeTheThreadKeptABuffer() throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    for (Mutation m : mutations()) {
      byte[] b = MutationCodec.encode(m);
      sha.update(MutationCodec.type(m));
      sha.update(new byte[] {(byte) (b.length >>> 24), (byte) (b.length >>> 16), (byte) (b.length >>> 8),
          (byte) b.length});
      sha.update(b);
    }
    assertEquals(FORMAT_DIGEST, HexFormat.of().formatHex(sha.digest()));
  }

  @Test
  void aMutationEncodesAsOnAFreshThreadWhateverTheThreadEncodedBefore() throws Exception {
    List<Mutation> ms = mutations();
    List<byte[]> fresh = new ArrayList<>();
    for (Mutation m : ms) {
      fresh.add(onAFreshThread(m)); // a thread that never encoded anything else
    }
    Random random = new Random(7);
    for (int round = 0; round < 200; round++) { // one thread, the mutations in random order: large, small, large
      int i = random.nextInt(ms.size());
      byte[] b = MutationCodec.encode(ms.get(i));
      assertArrayEquals(fresh.get(i), b, "mutation " + i + " in round " + round);
      Mutation back = MutationCodec.decode(MutationCodec.type(ms.get(i)), b);
      assertEquals(MutationCodec.type(ms.get(i)), MutationCodec.type(back));
    }
  }

  @Test
  void aThreadKeepsNoBufferLargerThanItsBound() {
    RememberEvent large = remember(1, "x".repeat(3 * EncodeScratch.MAX_KEPT), 384, 0);
    byte[] b = MutationCodec.encode(large);
    assertTrue(b.length > 3 * EncodeScratch.MAX_KEPT);
    assertTrue(EncodeScratch.ofThread().capacity() <= EncodeScratch.MAX_KEPT,
        "kept " + EncodeScratch.ofThread().capacity() + " bytes");
    RememberEvent small = remember(2, "small", 4, 1);
    assertArrayEquals(onAFreshThread(small), MutationCodec.encode(small));
  }

  private static byte[] onAFreshThread(Mutation m) {
    AtomicReference<byte[]> out = new AtomicReference<>();
    Thread t = Thread.ofPlatform().start(() -> out.set(MutationCodec.encode(m)));
    try {
      t.join();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
    return out.get();
  }

  /** Every kind of mutation, remembers of several sizes (texts of one to several thousand bytes, non-ASCII too). */
  static List<Mutation> mutations() {
    List<Mutation> ms = new ArrayList<>();
    ms.add(remember(1, "a short text", 384, 0));
    ms.add(remember(2, "é🙂 ".repeat(700), 384, 3));
    ms.add(remember(3, "no vector", 0, 1));
    ms.add(remember(4, "t", 1024, 0));
    ms.add(new RememberBatch(List.of(remember(5, "first of two", 8, 1), remember(6, "second", 8, 0))));
    ms.add(new AddLink(1, "REFERS_TO", 2, 10, Long.MAX_VALUE));
    ms.add(new Invalidate(1, "REFERS_TO", 2, 20));
    Map<String, Object> changes = new LinkedHashMap<>();
    changes.put("k", "v");
    changes.put("n", 42L);
    changes.put("gone", null);
    ms.add(new SetAttributes(3, changes));
    ms.add(new ForgetEvent(4));
    ms.add(new ForgetSession("s1"));
    return ms;
  }

  private static RememberEvent remember(long id, String text, int dims, int links) {
    float[] v = null;
    if (dims > 0) {
      Random r = new Random(id);
      v = new float[dims];
      for (int i = 0; i < dims; i++) {
        v[i] = (float) r.nextGaussian();
      }
    }
    Map<String, Object> attributes = new LinkedHashMap<>();
    if (links > 0) {
      attributes.put("topic", "t" + id);
      attributes.put("score", 0.5 * id);
      attributes.put("flag", true);
      attributes.put("count", id);
    }
    List<LinkTo> to = new ArrayList<>();
    for (int i = 0; i < links; i++) {
      to.add(new LinkTo("REFERS_TO", i + 1));
    }
    return new RememberEvent(id, "session-" + id, id % 2 == 0 ? "user" : "assistant", 1_700_000_000_000_000L + id,
        text, v, attributes, to);
  }
}
