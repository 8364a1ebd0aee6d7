/**
 * The engine's log-record decoder fuzzed ({@link dev.aeon.fuzz.engine.MutationCodecFuzzTest}), and long runs of
 * the engine's model-based and kill -9 crash tests ({@code ./aeon fuzz}).
 */
package dev.aeon.fuzz.engine;
