package dev.aeon.common.io;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The leading part of a memory-mapped file whose blocks were written, grown by writing zeros through a
 * {@link PositionalWriter} ahead of the stores into the mapping.
 *
 * <p>Why: mapping a file beyond its end makes it sparse, and the first store into a page of a hole makes
 * the file system allocate a block at the page fault. On a full device that allocation fails as a
 * {@code SIGBUS}, which the JVM reports as an {@link InternalError} ("a fault occurred in an unsafe memory
 * access operation") in whichever thread stored, in the middle of its update, without a word about the
 * device. Writing zeros first turns a full device into an {@link IOException} ("No space left on
 * device") before anything is stored, and spares each first store its page fault's block allocation.
 *
 * <p>It grows by steps that start at {@value #SMALLEST_STEP} bytes and double with the written part, up to
 * {@value #STEP}: a small namespace (one of thousands a server may hold) keeps files of tens of KiB, while a
 * large file is written a MiB at a time.
 *
 * <p>Not thread-safe: one writer grows it, as one writer appends to the file.
 */
public final class WrittenExtent {

  private static final int STEP = 1 << 20;
  private static final int SMALLEST_STEP = 16 << 10;
  private static final MemorySegment ZEROS = Arena.global().allocate(STEP).asReadOnly();

  private final PositionalWriter writer;
  private long end;

  /** {@code writtenEnd}: every byte before it is known to be written (the data in use, a header). */
  public WrittenExtent(PositionalWriter writer, long writtenEnd) {
    this.writer = writer;
    this.end = writtenEnd;
  }

  /**
   * Makes sure every byte before {@code needed} is written, writing zeros from the current end up to
   * {@code needed} rounded up to the next step (the written part's size, from 16 KiB to 1 MiB). The bytes it
   * writes must hold nothing in use: callers pass the end of what they are about to store, and store nowhere
   * past it without calling this again.
   */
  public void ensure(long needed) throws IOException {
    ensure(needed, 0, Long.MAX_VALUE);
  }

  /**
   * As {@link #ensure(long)}, writing zeros further: up to {@code needed + ahead} rounded up to the next
   * step, but not past {@code limit} (the file's mapped size), so that fewer, larger writes do the job. While
   * the written part is smaller than {@code ahead}, it goes only that far ahead: a small file stays small.
   */
  public void ensure(long needed, long ahead, long limit) throws IOException {
    if (needed <= end) {
      return;
    }
    long step = Long.highestOneBit(Math.clamp(end, SMALLEST_STEP, STEP)); // the written part doubles up to STEP
    long reach = needed + Math.min(ahead, Math.max(end, SMALLEST_STEP));
    long target = Math.min(limit, (reach + step - 1) / step * step);
    while (end < target) {
      long n = Math.min(STEP, target - end);
      writer.write(ZEROS.asSlice(0, n), end);
      end += n;
    }
  }

  /** Notes that every byte before {@code written} was written by other means (frames, a copy). */
  public void advanceTo(long written) {
    end = Math.max(end, written);
  }
}
