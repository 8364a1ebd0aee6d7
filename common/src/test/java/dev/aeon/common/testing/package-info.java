/**
 * Test support shared by the modules' tests (published as aeon-common's test jar): looking for bytes in files,
 * capturing logged warnings, asking another process for a lock, a small device to fill, a file size limit, a
 * writer interrupted all the time, a file that grows after its size was taken, a log that cannot be written, calls
 * with null arguments, and the failures of a concurrency test as one.
 */
package dev.aeon.common.testing;
