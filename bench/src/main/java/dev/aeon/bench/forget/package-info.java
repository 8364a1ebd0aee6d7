/**
 * {@code ./aeon bench forget}: JMH measurements of one forget against one remember on the engine's write path, on
 * memories that have already forgotten 0, 10,000 or 100,000 events (what a forget costs the writer's thread, and
 * whether it grows with the forgets the memory has had).
 */
package dev.aeon.bench.forget;
