package dev.aeon.blob;

import dev.aeon.blob.format.ArenaHeader;
import dev.aeon.blob.format.Frames;
import dev.aeon.common.io.CorruptFileException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

/**
 * Walks the frames of a generation. Frames before the committed end were forced to disk and must all be
 * valid, else the file is corrupt; after it, frames are accepted while they are valid and the first invalid
 * one ends the generation (a tail torn by a crash).
 */
final class FrameScanner {

  /** Receives each live frame. */
  interface LiveFrame {
    void accept(long id, long offset, long frameLength);
  }

  /** What a scan found. {@code end} is the offset just after the last valid frame. */
  record Result(long end, long maxId, long liveBlobs, long liveBytes, long freeBlobs, long freeBytes) {}

  private FrameScanner() {}

  /**
   * Scans the frames of a generation file of format {@code version} (its freed frames' headers are checked
   * against their checksum from {@link ArenaHeader#FREED_FRAME_CRC_VERSION} on).
   */
  static Result scan(MemorySegment data, long committedEnd, Path path, int version, LiveFrame onLive) {
    boolean freedFramesChecked = version >= ArenaHeader.FREED_FRAME_CRC_VERSION;
    long limit = data.byteSize();
    long at = ArenaHeader.DATA_START;
    long lastId = 0, liveBlobs = 0, liveBytes = 0, freeBlobs = 0, freeBytes = 0;
    while (at + Frames.HEADER_LENGTH <= limit) {
      boolean committed = at < committedEnd;
      String problem = problem(data, at, committed ? committedEnd : limit, lastId, freedFramesChecked);
      if (problem != null) {
        if (committed) {
          throw new CorruptFileException(path, at, problem);
        }
        break;
      }
      long id = Frames.id(data, at);
      long length = Frames.frameLength(Frames.length(data, at));
      if (Frames.state(data, at) == Frames.LIVE) {
        onLive.accept(id, at, length);
        liveBlobs++;
        liveBytes += length;
      } else {
        freeBlobs++;
        freeBytes += length;
      }
      lastId = id;
      at += length;
    }
    if (at < committedEnd) {
      throw new CorruptFileException(path, at, "frames end before the committed end " + committedEnd);
    }
    return new Result(at, lastId, liveBlobs, liveBytes, freeBlobs, freeBytes);
  }

  /**
   * Why the frame at {@code at} is not a valid frame ending at or before {@code limit} with an id above
   * {@code lastId}, or null if it is valid. A freed frame's header is checked against its checksum if
   * {@code freedFramesChecked}; every frame's padding after the payload must be zero.
   */
  static String problem(MemorySegment data, long at, long limit, long lastId, boolean freedFramesChecked) {
    int state = Frames.state(data, at);
    if (state != Frames.LIVE && state != Frames.FREE) {
      return state == 0 ? "no frame where one was expected" : "bad frame state " + Integer.toHexString(state);
    }
    if (state == Frames.FREE && freedFramesChecked && Frames.storedCrc(data, at) != Frames.computeFreedCrc(data, at)) {
      return "freed frame's header checksum mismatch (its id or length is damaged)";
    }
    int length = Frames.length(data, at);
    if (length < 0 || at + Frames.frameLength(length) > limit) {
      return "frame length " + length + " runs past " + limit;
    }
    if (Frames.reserved(data, at) != 0) {
      return "reserved frame field is not zero";
    }
    long id = Frames.id(data, at);
    if (id <= lastId) {
      return "frame id " + id + " does not ascend (previous " + lastId + ")";
    }
    if (state == Frames.LIVE && Frames.storedCrc(data, at) != Frames.computeCrc(data, at, length)) {
      return "frame checksum mismatch (torn or damaged blob " + id + ")";
    }
    // No checksum covers the zeros after the payload; every writer, in both versions, wrote them
    for (long p = at + Frames.HEADER_LENGTH + length, end = at + Frames.frameLength(length); p < end; p++) {
      if (data.get(ValueLayout.JAVA_BYTE, p) != 0) {
        return "frame padding byte " + p + " is not zero (damaged frame of blob " + id + ")";
      }
    }
    return null;
  }
}
