package dev.aeon.fuzz.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.aeon.engine.log.Mutation;
import dev.aeon.engine.log.MutationCodec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The decoder of the engine's log records on arbitrary payloads: it either returns a mutation or refuses the
 * payload with an {@link IllegalArgumentException} (which opening reports as a damaged log), never anything
 * else (an underflow, a negative array size, an out-of-memory from a length read as huge). A payload that
 * decodes is exactly the encoding of what it decodes to. Inputs are arbitrary bytes or a real
 * record with some bytes changed. Regression mode runs in the normal build; {@code JAZZER_FUZZ=1} fuzzes.
 */
class MutationCodecFuzzTest {

  private static final List<Mutation> VALID = validMutations();

  @FuzzTest(maxDuration = "60s")
  void payloadsDecodeOrAreRefusedByName(FuzzedDataProvider data) {
    byte type;
    byte[] payload;
    if (data.consumeBoolean()) {
      Mutation m = VALID.get(data.consumeInt(0, VALID.size() - 1));
      type = MutationCodec.type(m);
      payload = MutationCodec.encode(m);
      int edits = data.consumeInt(1, 8);
      for (int i = 0; i < edits && payload.length > 0; i++) {
        payload[data.consumeInt(0, payload.length - 1)] = data.consumeByte();
      }
      if (data.consumeBoolean()) {
        payload = java.util.Arrays.copyOf(payload, data.consumeInt(0, payload.length + 16));
      }
    } else {
      type = data.consumeByte();
      payload = data.consumeRemainingAsBytes();
    }
    check(type, payload);
  }

  /** Every single-bit change and every truncation of every valid record: decoded or refused by name. */
  @Test
  void everyDamageOfAValidRecordIsDecodedOrRefused() {
    for (Mutation m : VALID) {
      byte[] valid = MutationCodec.encode(m);
      for (int at = 0; at < valid.length; at++) {
        for (int bit = 0; bit < 8; bit++) {
          byte[] damaged = valid.clone();
          damaged[at] ^= (byte) (1 << bit);
          check(MutationCodec.type(m), damaged);
        }
        check(MutationCodec.type(m), java.util.Arrays.copyOf(valid, at));
      }
    }
  }

  private static void check(byte type, byte[] payload) {
    Mutation m;
    try {
      m = MutationCodec.decode(type, payload);
    } catch (IllegalArgumentException refused) {
      return;
    }
    assertEquals(type, MutationCodec.type(m));
    // Only what the encoder writes decodes: anything else read as something near it would replay a record that
    // was never logged.
    assertArrayEquals(payload, MutationCodec.encode(m), "a payload the encoder does not write was decoded: " + m);
  }

  private static List<Mutation> validMutations() {
    Map<String, Object> attributes = new LinkedHashMap<>();
    attributes.put("topic", "home");
    attributes.put("turn", 42L);
    attributes.put("weight", 0.5);
    attributes.put("pinned", true);
    Map<String, Object> changes = new LinkedHashMap<>();
    changes.put("topic", "work");
    changes.put("turn", null);
    return List.of(
        new Mutation.RememberEvent(7, "conv-1", "user", 1_700_000_000_000_000L, "I moved to Lisbon \u00e9\ud83d\ude00",
            new float[] {0.6f, -0.8f, 0f}, attributes, List.of(new Mutation.LinkTo("REFERS_TO", 3))),
        new Mutation.RememberEvent(8, "s", "assistant", -5, "", null, Map.of(), List.of()),
        new Mutation.AddLink(7, "CAUSED_BY", 3, Long.MIN_VALUE, 1_700_000_000_000_000L),
        new Mutation.Invalidate(7, "CAUSED_BY", 3, 1_700_000_000_000_001L),
        new Mutation.SetAttributes(7, changes),
        new Mutation.ForgetEvent(7),
        new Mutation.ForgetSession("conv-1"),
        new Mutation.RememberBatch(List.of(
            new Mutation.RememberEvent(9, "conv-1", "user", 1, "first", new float[] {1f, 0f}, attributes, List.of()),
            new Mutation.RememberEvent(10, "conv-1", "assistant", 2, "second", null, Map.of(),
                List.of(new Mutation.LinkTo("REFERS_TO", 9))))));
  }
}
