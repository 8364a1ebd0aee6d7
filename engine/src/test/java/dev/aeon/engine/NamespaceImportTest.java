package dev.aeon.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;

/** How an import words a store's failure at a line (the CLI prints the message alone). */
class NamespaceImportTest {

  @Test
  void aStoresFailureSaysTheIoErrorUnderIt() {
    RuntimeException e = new IllegalStateException("appending to blobs-1.arena",
        new UncheckedIOException(new IOException("No space left on device")));
    assertEquals("appending to blobs-1.arena: No space left on device", NamespaceImport.withIoReason(e));
  }

  @Test
  void aFailureWithoutAMessageIsNamedByItsKind() {
    // the I/O error's message is added to what the failure says; a failure that says nothing threw an NPE here
    RuntimeException e = new UncheckedIOException(null, new IOException("Input/output error"));
    assertEquals("UncheckedIOException: Input/output error", NamespaceImport.withIoReason(e));
  }
}
