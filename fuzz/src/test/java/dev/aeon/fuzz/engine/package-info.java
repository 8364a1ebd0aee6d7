/** Long runs of the engine's model-based and kill -9 crash tests ({@code ./aeon fuzz}). */
package dev.aeon.fuzz.engine;
