/**
 * Test support shared by the modules' tests (published as aeon-common's test jar): looking for bytes in files,
 * capturing logged warnings, and asking another process for a lock.
 */
package dev.aeon.common.testing;
