/**
 * The engine's log-record decoder ({@link dev.aeon.fuzz.engine.MutationCodecFuzzTest}), export files
 * ({@link dev.aeon.fuzz.engine.ExportFileFuzzTest}) and a namespace's embedding-model record
 * ({@link dev.aeon.fuzz.engine.EmbeddingModelFileFuzzTest}) fuzzed, and long runs of the engine's model-based and
 * kill -9 crash tests ({@code ./aeon fuzz}).
 */
package dev.aeon.fuzz.engine;
