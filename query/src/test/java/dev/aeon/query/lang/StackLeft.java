package dev.aeon.query.lang;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Runs a statement with less and less stack left, to check that running out of it is the statement's error wherever
 * that happens. How much stack a statement needs depends on whether its methods run compiled (smaller frames) or
 * interpreted, so one small stack may or may not be enough: the work runs below ever more frames of a recursion of
 * its own, from none until that recursion itself runs out, and so meets the end of the stack at every stage.
 */
public final class StackLeft {

  private StackLeft() {}

  /**
   * Asserts that {@code work}, run with ever less stack left, either completes or fails with "query too deep to
   * evaluate", and does so at least once. It is given the run's number, to make each run's statement a new one
   * (a statement parsed before is not parsed again). A StackOverflowError is let through where so little stack was left
   * that the error itself could not be made (a few of the deepest runs, far fewer than the query errors);
   * before, every run that ran out threw one.
   */
  public static void runsOutAsAQueryError(IntConsumer work) throws InterruptedException {
    List<Throwable> outcomes = new ArrayList<>();
    Thread small = new Thread(null, () -> {
      for (int depth = 0; ; depth += 16) {
        int run = depth / 16;
        Throwable[] thrown = {null};
        boolean[] ran = {false};
        try {
          below(depth, () -> {
            ran[0] = true;
            try {
              work.accept(run);
            } catch (Throwable t) {
              thrown[0] = t;
            }
          });
        } catch (StackOverflowError e) {
          if (!ran[0]) {
            return; // the recursion ran out before the work began: every amount of stack was tried
          }
          thrown[0] = e;
        }
        outcomes.add(thrown[0]);
      }
    }, "small-stack", 256 << 10);
    small.start();
    small.join();
    int errors = 0;
    int overflows = 0;
    for (Throwable t : outcomes) {
      if (t instanceof StackOverflowError) {
        overflows++;
      } else if (t != null) {
        QueryException e = assertInstanceOf(QueryException.class, t);
        assertTrue(e.reason().equals("query too deep to evaluate"), e.reason());
        errors++;
      }
    }
    assertTrue(errors > 0, "running out of stack was never a query error (" + overflows + " StackOverflowErrors in "
        + outcomes.size() + " runs)");
    assertTrue(overflows < errors, overflows + " StackOverflowErrors against " + errors + " query errors");
  }

  private static void below(int frames, Runnable work) {
    if (frames == 0) {
      work.run();
    } else {
      below(frames - 1, work);
    }
  }
}
