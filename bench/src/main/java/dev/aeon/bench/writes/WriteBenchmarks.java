package dev.aeon.bench.writes;

import dev.aeon.common.io.PositionalWriter;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One positional write of {@code bytes} bytes into a file whose blocks exist (as the stores write: into
 * blocks written ahead, see {@code WrittenExtent}), at positions that walk through 64 MiB of it, so that it
 * measures the call and the copy into the page cache, not block allocation. Each way the stores could write:
 * a {@link PositionalWriter} from off-heap memory (the index's and the blob arena's buffers) or from the
 * heap (copied off-heap first), and a {@link FileChannel} from a direct or a heap buffer, which is what the
 * stores did before (an interrupt during it closes the channel).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class WriteBenchmarks {

  private static final long REGION = 64L << 20;

  @Param({"64", "1536", "65536"})
  public int bytes;

  private Path dir;
  private FileChannel channel;
  private PositionalWriter writer;
  private Arena arena;
  private MemorySegment offHeap;
  private MemorySegment onHeap;
  private ByteBuffer direct;
  private ByteBuffer heap;
  private long position;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("aeon-writes");
    Path file = dir.resolve("f");
    channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
    for (long p = 0; p < REGION + bytes; p += zeros.capacity()) {
      channel.write(zeros.clear(), p);
    }
    writer = PositionalWriter.open(file, channel);
    if (!writer.isInterruptProof()) {
      throw new IllegalStateException("positional writes go through the channel here: nothing to compare");
    }
    arena = Arena.ofShared();
    offHeap = arena.allocate(bytes).fill((byte) 1);
    onHeap = MemorySegment.ofArray(new byte[bytes]).fill((byte) 2);
    direct = offHeap.asByteBuffer();
    heap = onHeap.asByteBuffer();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    writer.close();
    channel.close();
    arena.close();
    Files.deleteIfExists(dir.resolve("f"));
    Files.deleteIfExists(dir);
  }

  private long next() {
    long p = position;
    position = (p + bytes) % REGION;
    return p;
  }

  @Benchmark
  public void pwrite_off_heap() throws IOException {
    writer.write(offHeap, next());
  }

  @Benchmark
  public void pwrite_heap() throws IOException {
    writer.write(onHeap, next());
  }

  @Benchmark
  public int channel_direct() throws IOException {
    return channel.write(direct.clear(), next());
  }

  @Benchmark
  public int channel_heap() throws IOException {
    return channel.write(heap.clear(), next());
  }
}
