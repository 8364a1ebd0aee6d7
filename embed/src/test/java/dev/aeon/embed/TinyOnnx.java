package dev.aeon.embed;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes small ONNX graphs by hand (the ONNX format is protocol buffers), for tests of graphs that are not
 * sentence encoders. Field numbers are those of onnx.proto: ModelProto, GraphProto, NodeProto, TensorProto,
 * ValueInfoProto, TypeProto.
 */
final class TinyOnnx {

  private static final int INT64 = 7;
  private static final int FLOAT = 1;

  private TinyOnnx() {}

  /**
   * A graph with one int64 input {@code input}, which it ignores, and one output: a float constant of
   * {@code weightBytes / 4} values, which ONNX runtime holds in native memory for as long as the session is open.
   */
  static byte[] constantOf(String input, int weightBytes) {
    int values = weightBytes / 4;
    byte[] weight = cat(varint(1, values), varint(2, FLOAT), bytes(8, "w"), bytes(9, new byte[values * 4]));
    byte[] graph = cat(
        bytes(1, cat(bytes(1, "w"), bytes(2, "out"), bytes(4, "Identity"))), // node: out = Identity(w)
        bytes(2, "g"),
        bytes(5, weight), // initializer
        bytes(11, valueInfo(input, INT64, 2)),
        bytes(12, valueInfo("out", FLOAT, 1)));
    byte[] opset = cat(bytes(1, ""), varint(2, 13));
    return cat(varint(1, 8), bytes(7, graph), bytes(8, opset)); // ir_version 8, graph, opset 13
  }

  /** A tensor of {@code rank} dimensions, each of a symbolic size. */
  private static byte[] valueInfo(String name, int elementType, int rank) {
    byte[] dims = new byte[0];
    for (int d = 0; d < rank; d++) {
      dims = cat(dims, bytes(1, bytes(2, "d" + d)));
    }
    byte[] tensorType = cat(varint(1, elementType), bytes(2, dims));
    return cat(bytes(1, name), bytes(2, bytes(1, tensorType)));
  }

  private static byte[] varint(int field, long value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writeVarint(out, (long) field << 3);
    writeVarint(out, value);
    return out.toByteArray();
  }

  private static byte[] bytes(int field, String value) {
    return bytes(field, value.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] bytes(int field, byte[] value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writeVarint(out, ((long) field << 3) | 2);
    writeVarint(out, value.length);
    out.writeBytes(value);
    return out.toByteArray();
  }

  private static void writeVarint(ByteArrayOutputStream out, long v) {
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  private static byte[] cat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
