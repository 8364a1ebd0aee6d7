package dev.aeon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Closing a namespace's stores closes every one of them, whatever the ones before it threw. */
class StoresCloseTest {

  /**
   * An Error from one store's close (an InternalError from an unmapping, say) used to leave every store
   * after it open and mapped: the loop caught only exceptions.
   */
  @Test
  void anErrorClosingOneStoreLeavesTheOthersClosedAndIsThrown() {
    List<String> closed = new ArrayList<>();
    AssertionError failure = new AssertionError("log close failed");
    IOException later = new IOException("trace close failed");
    AssertionError thrown = assertThrows(AssertionError.class, () -> Stores.closeInOrder(
        () -> { closed.add("log"); throw failure; },
        null,
        () -> { closed.add("trace"); throw later; },
        () -> closed.add("blobs")));
    assertSame(failure, thrown);
    assertEquals(List.of("log", "trace", "blobs"), closed);
    assertEquals(List.of(later), List.of(thrown.getSuppressed()));
  }

  /** As before the Error fix: the namespace's close reports an IOException with the namespace's name. */
  @Test
  void anExceptionOtherThanAnIOExceptionIsWrappedInOne() {
    for (Exception e : new Exception[] {new Exception("checked"), new IllegalStateException("unchecked")}) {
      IOException thrown = assertThrows(IOException.class, () -> Stores.closeInOrder(() -> { throw e; }));
      assertSame(e, thrown.getCause());
    }
  }
}
