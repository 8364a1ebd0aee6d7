package dev.aeon.bench.util;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Asks Linux to wake the calling thread from its timed waits on time: {@code prctl(PR_SET_TIMERSLACK, 1)}.
 * By default the kernel may defer a thread's timer by up to 50 µs to batch wake-ups, and a benchmark's
 * open-loop load generator, which parks until each request is due and measures latency from then, counted
 * that lateness as the engine's ({@code ./aeon bench contention --quick}, with and without
 * {@code --default-timer-slack}: recalls started 50 µs after their due time at the median, against 100 µs).
 * Only the load generator's threads use it.
 */
// Calling libc is this class's job; the benchmarks run with --enable-native-access.
@SuppressWarnings("restricted")
public final class TimerSlack {

  private static final int PR_SET_TIMERSLACK = 29;
  private static final MethodHandle PRCTL = link();

  private TimerSlack() {}

  private static MethodHandle link() {
    if (!System.getProperty("os.name").startsWith("Linux")) {
      return null;
    }
    try {
      Linker linker = Linker.nativeLinker();
      return linker.downcallHandle(linker.defaultLookup().find("prctl").orElseThrow(),
          FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG),
          Linker.Option.firstVariadicArg(1));
    } catch (Throwable e) { // native access denied, or no prctl
      return null;
    }
  }

  /** Whether this machine lets a thread set its timer slack (Linux, with native access). */
  public static boolean supported() {
    return PRCTL != null;
  }

  /** Sets the calling platform thread's timer slack to 1 ns; returns whether the kernel took it. */
  public static boolean minimizeForCurrentThread() {
    if (PRCTL == null || Thread.currentThread().isVirtual()) {
      return false;
    }
    try {
      return (int) PRCTL.invokeExact(PR_SET_TIMERSLACK, 1L) == 0;
    } catch (Throwable e) {
      return false;
    }
  }
}
