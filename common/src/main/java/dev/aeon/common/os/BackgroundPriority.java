package dev.aeon.common.os;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * Lowers the CPU priority of the engine's background threads (checkpoints, log segment preallocation, blob
 * collection, EBR reclamation) to nice {@value #NICE}, as storage engines do for compaction threads.
 *
 * <p>Why: on a machine with few cores the scheduler lets a running thread finish its time slice before a
 * woken one gets the core, so a checkpoint forcing pages or a preallocator writing zeros held a core for
 * milliseconds while readers that had just become due waited behind it, and behind each other after that.
 * At a lower priority the scheduler prefers a woken reader to them; the background work still runs on what
 * the readers leave. A checkpoint's pause, which holds writers back, does not run at the lower priority:
 * a machine kept busy by readers stretched it (the engine's checkpoints hand it to a thread of normal
 * priority). On Linux a thread's nice value is its own (unlike POSIX, where it
 * belongs to the process), set with {@code setpriority(PRIO_PROCESS, tid, nice)}; lowering it needs no
 * privilege. Elsewhere, or where the call is refused, threads keep their priority and
 * {@link #unavailableReason()} says why.
 */
// Calling libc is this class's job: the JVM runs with --enable-native-access; where native access is denied the
// priority stays as it is.
@SuppressWarnings("restricted")
public final class BackgroundPriority {

  /** The nice value background threads get (0 is the default; 19 the lowest). */
  public static final int NICE = 10;
  private static final int PRIO_PROCESS = 0;

  private static final MethodHandle GETTID;
  private static final MethodHandle SETPRIORITY;
  private static final String UNAVAILABLE;

  static {
    MethodHandle gettid = null;
    MethodHandle setpriority = null;
    String reason = null;
    if (!System.getProperty("os.name").startsWith("Linux")) {
      reason = "per-thread nice values are a Linux feature and this is " + System.getProperty("os.name");
    } else {
      try {
        Linker linker = Linker.nativeLinker();
        var libc = linker.defaultLookup();
        gettid = linker.downcallHandle(libc.find("gettid").orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_INT));
        setpriority = linker.downcallHandle(libc.find("setpriority").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT));
      } catch (Throwable e) { // an old libc without gettid, or native access denied
        reason = "libc's gettid and setpriority could not be linked: " + e;
      }
    }
    GETTID = reason == null ? gettid : null;
    SETPRIORITY = reason == null ? setpriority : null;
    UNAVAILABLE = reason;
  }

  private BackgroundPriority() {}

  /** Why background threads cannot be lowered here, or empty if they can. */
  public static Optional<String> unavailableReason() {
    return Optional.ofNullable(UNAVAILABLE);
  }

  /**
   * Lowers the calling thread (a platform thread that only does background work) to nice {@link #NICE}.
   *
   * @return whether its priority was lowered
   */
  public static boolean lowerCurrentThread() {
    if (SETPRIORITY == null || Thread.currentThread().isVirtual()) {
      return false; // a virtual thread's carrier serves other virtual threads too
    }
    try {
      int tid = (int) GETTID.invokeExact();
      return (int) SETPRIORITY.invokeExact(PRIO_PROCESS, tid, NICE) == 0;
    } catch (Throwable e) {
      return false;
    }
  }
}
