/**
 * SIMD and scalar vector kernels: FP32 dot/cosine/L2, INT8 quantization and INT8 (bulk) dot products,
 * and one-bit sketches ({@link dev.aeon.index.kernel.SignSketch}) with their bulk estimate.
 *
 * <p>Every kernel reads {@link java.lang.foreign.MemorySegment}s (heap arrays are wrapped, so there is
 * one code path). {@link dev.aeon.index.kernel.SimdKernels} is the only class that imports
 * {@code jdk.incubator.vector}; {@link dev.aeon.index.kernel.ScalarKernels} is always available and is
 * chosen, with a logged reason, when the Vector API is not. Bulk INT8 scoring, the index's inner loop,
 * runs AVX-512 VNNI machine code where the CPU has it ({@link dev.aeon.index.kernel.VnniBulkDot}, source
 * in {@code index/src/main/asm}), because the Vector API cannot express that instruction.
 */
package dev.aeon.index.kernel;
