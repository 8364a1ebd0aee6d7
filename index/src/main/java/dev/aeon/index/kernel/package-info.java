/**
 * SIMD and scalar vector kernels: FP32 dot/cosine/L2, INT8 quantization and INT8 (bulk) dot products,
 * and one-bit sketches ({@link dev.aeon.index.kernel.SignSketch}) with their bulk estimate.
 *
 * <p>Every kernel reads {@link java.lang.foreign.MemorySegment}s (heap arrays are wrapped, so there is
 * one code path). {@link dev.aeon.index.kernel.SimdKernels} is the only class that imports
 * {@code jdk.incubator.vector}; {@link dev.aeon.index.kernel.ScalarKernels} is always available and is
 * chosen, with a logged reason, when the Vector API is not.
 */
package dev.aeon.index.kernel;
