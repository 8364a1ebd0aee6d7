package dev.aeon.bench.server;

import dev.aeon.bench.util.RespClient;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * The VSIM workload: a set of random vectors loaded into the server with pipelined {@code VADD ... FP32}, and the
 * recall@k of VSIM over TCP against an exact scan of the same vectors in this process. Components are uniform
 * over [0, 1), like the {@code __rand_int__} values redis-benchmark puts into its VSIM queries.
 */
final class VectorWorkload {

  static final String KEY = "bench:vset";
  static final int RANDOM_RANGE = 1_000_000;

  final int dimension;
  final float[][] vectors;

  VectorWorkload(int count, int dimension, long seed) {
    this.dimension = dimension;
    Random rnd = new Random(seed);
    vectors = new float[count][dimension];
    for (float[] v : vectors) {
      for (int i = 0; i < dimension; i++) {
        v[i] = rnd.nextFloat();
      }
    }
  }

  /** Loads every vector with 16 connections of 256 pipelined VADDs each; returns vectors per second. */
  double load(int port) throws Exception {
    long start = System.nanoTime();
    int connections = 16;
    List<Thread> threads = new ArrayList<>();
    Exception[] failure = new Exception[1];
    for (int c = 0; c < connections; c++) {
      int first = c;
      threads.add(Thread.ofPlatform().start(() -> {
        try (Socket s = new Socket("127.0.0.1", port)) {
          OutputStream out = new BufferedOutputStream(s.getOutputStream(), 1 << 16);
          InputStream in = new BufferedInputStream(s.getInputStream(), 1 << 16);
          int pending = 0;
          for (int i = first; i < vectors.length; i += connections) {
            out.write(RespClient.command("VADD", KEY, "FP32", fp32(vectors[i]), "e" + i));
            if (++pending == 256) {
              out.flush();
              expectIntegers(in, pending);
              pending = 0;
            }
          }
          out.flush();
          expectIntegers(in, pending);
        } catch (Exception e) {
          synchronized (failure) {
            failure[0] = e;
          }
        }
      }));
    }
    for (Thread t : threads) {
      t.join();
    }
    if (failure[0] != null) {
      throw failure[0];
    }
    return vectors.length / ((System.nanoTime() - start) / 1e9);
  }

  /** recall@k of VSIM against an exact cosine scan, over {@code queries} random queries. */
  double recall(int port, int queries, int k, long seed) throws IOException {
    Random rnd = new Random(seed);
    int found = 0;
    try (Socket s = new Socket("127.0.0.1", port)) {
      OutputStream out = s.getOutputStream();
      InputStream in = new BufferedInputStream(s.getInputStream());
      for (int q = 0; q < queries; q++) {
        float[] query = new float[dimension];
        for (int i = 0; i < dimension; i++) {
          query[i] = rnd.nextInt(RANDOM_RANGE);
        }
        out.write(RespClient.command("VSIM", KEY, "FP32", fp32(query), "COUNT", Integer.toString(k)));
        out.flush();
        Set<String> got = new HashSet<>(readArray(in));
        for (int id : exactTop(query, k)) {
          if (got.contains("e" + id)) {
            found++;
          }
        }
      }
    }
    return found / (double) (queries * k);
  }

  private int[] exactTop(float[] q, int k) {
    double qn = norm(q);
    double[] best = new double[k];
    int[] ids = new int[k];
    Arrays.fill(best, Double.NEGATIVE_INFINITY);
    for (int id = 0; id < vectors.length; id++) {
      float[] v = vectors[id];
      double dot = 0;
      for (int i = 0; i < dimension; i++) {
        dot += (double) q[i] * v[i];
      }
      double cos = dot / (qn * norm(v));
      if (cos > best[k - 1]) {
        int j = k - 1;
        while (j > 0 && best[j - 1] < cos) {
          best[j] = best[j - 1];
          ids[j] = ids[j - 1];
          j--;
        }
        best[j] = cos;
        ids[j] = id;
      }
    }
    return ids;
  }

  private static double norm(float[] v) {
    double s = 0;
    for (float f : v) {
      s += (double) f * f;
    }
    return Math.sqrt(s);
  }

  /** The VSIM command line for redis-benchmark: one __rand_int__ per component, replaced per request. */
  List<String> vsimCommand(int count) {
    List<String> cmd = new ArrayList<>(List.of("VSIM", KEY, "VALUES", Integer.toString(dimension)));
    for (int i = 0; i < dimension; i++) {
      cmd.add("__rand_int__");
    }
    cmd.addAll(List.of("COUNT", Integer.toString(count)));
    return cmd;
  }

  static byte[] fp32(float[] v) {
    ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : v) {
      b.putFloat(f);
    }
    return b.array();
  }

  private static void expectIntegers(InputStream in, int n) throws IOException {
    for (int i = 0; i < n; i++) {
      if (!(RespClient.readReply(in, "VADD") instanceof Long)) {
        throw new IOException("VADD answered something else than an integer");
      }
    }
  }

  private static List<String> readArray(InputStream in) throws IOException {
    if (!(RespClient.readReply(in, "VSIM") instanceof List<?> items)) {
      throw new IOException("VSIM answered something else than an array");
    }
    return items.stream().map(String::valueOf).toList();
  }
}
