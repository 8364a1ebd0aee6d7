package dev.aeon.engine;

import java.nio.file.Path;

/**
 * What {@link Aeon#backup} wrote.
 *
 * @param directory the namespace's copy
 * @param lastLsn the last log record in the copy: it holds every mutation up to this log sequence number
 *     and none after ({@link MemoryStats#lastLsn()} of the namespace then, and of the copy once opened)
 * @param files the files copied
 * @param bytes the bytes of data in the copy (a file's holes, ranges never written, stay holes)
 * @param writersPausedMicros how long writers of the namespace waited while the copy was brought up to date
 * @param totalMicros how long the whole backup took, forcing the copy to disk included
 */
public record BackupResult(Path directory, long lastLsn, int files, long bytes, long writersPausedMicros,
    long totalMicros) {}
