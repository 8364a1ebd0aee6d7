package dev.aeon.server;

import dev.aeon.engine.Event;
import dev.aeon.engine.Remember;
import dev.aeon.server.command.VectorInput;
import dev.aeon.server.vset.StoredVector;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the engine holds of a vector set, read past the server's map of sets: for tests that check the vector-set
 * commands against it after a namespace failed. Each element of the tests' sets is a 3-dimensional vector whose
 * largest value lies on one axis.
 */
final class StoredElements {

  private StoredElements() {}

  /**
   * Each element of set {@code key} in storage namespace {@code storage}, with the axis (x, y or z) of its vector's
   * largest value; reading it reopens the namespace if it failed, as any use does.
   */
  static Map<String, String> of(AeonServer server, String storage, String key) {
    Map<String, String> held = new TreeMap<>();
    for (Event e : server.context().memory(storage).history("vset:" + key, 100)) { // newest first
      float[] v = StoredVector.decode((String) e.attributes().get(StoredVector.ATTRIBUTE), e.text()).vector();
      int axis = v[0] > v[1] && v[0] > v[2] ? 0 : v[1] > v[2] ? 1 : 2;
      held.putIfAbsent(e.text(), "xyz".substring(axis, axis + 1));
    }
    return held;
  }

  /** Element {@code element} of set {@code key} with {@code vector}, as VADD stores it, for a test to write itself. */
  static Remember element(String key, String element, float... vector) {
    return Remember.event("vset:" + key, "element", element).vector(vector, null).attribute(StoredVector.ATTRIBUTE,
        StoredVector.of(vector, VectorInput.norm(vector), StoredVector.Quantization.Q8).encode());
  }
}
