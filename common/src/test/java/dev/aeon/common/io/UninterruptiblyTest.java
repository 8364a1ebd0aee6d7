package dev.aeon.common.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UninterruptiblyTest {

  @Test
  void anInterruptedCallersChannelOperationCompletesAndTheChannelStaysOpen(@TempDir Path dir) throws Exception {
    try (FileChannel ch = FileChannel.open(dir.resolve("f"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      Thread.currentThread().interrupt();
      try {
        int n = Uninterruptibly.call(() -> ch.write(ByteBuffer.wrap(new byte[] {1, 2}), 0));
        assertEquals(2, n);
        assertTrue(Thread.currentThread().isInterrupted(), "the caller keeps its interrupt");
      } finally {
        Thread.interrupted();
      }
      assertTrue(ch.isOpen());
      assertEquals(2, ch.size());
    }
  }

  @Test
  void anInterruptWhileWaitingNeitherStopsTheOperationNorIsLost() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Thread caller = Thread.currentThread();
    Thread interrupter = Thread.ofPlatform().start(() -> {
      try {
        started.await();
        caller.interrupt();
        Thread.sleep(20);
        release.countDown();
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    });
    try {
      Thread[] ranOn = new Thread[1];
      String result = Uninterruptibly.call(() -> {
        ranOn[0] = Thread.currentThread();
        started.countDown();
        try {
          release.await(); // an interrupt of the caller would end this wait early
        } catch (InterruptedException e) {
          throw new AssertionError("the caller's interrupt reached the operation", e);
        }
        return "done";
      });
      assertEquals("done", result);
      assertNotSame(caller, ranOn[0]);
      assertTrue(Thread.interrupted(), "the caller keeps its interrupt");
    } finally {
      Thread.interrupted();
      interrupter.join();
    }
  }

  @Test
  void anOperationAlreadyOutOfReachRunsWhatItHandsOnItself() throws Exception {
    Thread caller = Thread.currentThread();
    Thread[] outer = new Thread[1];
    Thread inner = Uninterruptibly.call(() -> {
      outer[0] = Thread.currentThread();
      return Uninterruptibly.call(Thread::currentThread);
    });
    assertNotSame(caller, outer[0]);
    assertSame(outer[0], inner, "no second thread for an operation that no caller can interrupt");
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Thread[] pooled = new Thread[2];
      Uninterruptibly.call(pool, () -> {
        pooled[0] = Thread.currentThread();
        pooled[1] = Uninterruptibly.call(Thread::currentThread);
        return null;
      });
      assertSame(pooled[0], pooled[1], "nor for one on a pool's thread");
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void whatTheOperationThrowsReachesTheCallerAsItWas() {
    IOException io = new IOException("disk");
    assertSame(io, assertThrows(IOException.class, () -> Uninterruptibly.run(() -> {
      throw io;
    })));
    IllegalStateException state = new IllegalStateException("state");
    assertSame(state, assertThrows(IllegalStateException.class, () -> Uninterruptibly.run(() -> {
      throw state;
    })));
    StackOverflowError error = new StackOverflowError();
    assertSame(error, assertThrows(StackOverflowError.class, () -> Uninterruptibly.run(() -> {
      throw error;
    })));
  }
}
