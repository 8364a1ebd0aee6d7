/** Fuzzing of WAL recovery on arbitrary segment and checkpoint bytes, and the long kill -9 crash run of the WAL. */
package dev.aeon.fuzz.wal;
