/**
 * The LoCoMo long-term conversational memory benchmark: loader, vector cache, exact and trace-aware recall.
 */
package dev.aeon.bench.locomo;
