/**
 * {@code ./aeon demo}: a guided tour of the engine on a conversation written for it.
 */
package dev.aeon.bench.demo;
