package dev.aeon.index.atlas.store;

/**
 * What a page stores of one vector besides its id and slot: the INT8 codes with their scale, and the
 * one-bit sketch with its factor ({@link dev.aeon.index.kernel.SignSketch}).
 */
public record EncodedVector(float scale, byte[] codes, float sketchFactor, long[] sketch) {}
