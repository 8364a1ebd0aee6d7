package dev.aeon.blob;

/**
 * What one garbage collection did. Refs are stable: every surviving blob keeps its ref.
 *
 * @param fromGeneration the generation that was collected (its file is deleted)
 * @param toGeneration the new, authoritative generation
 * @param keptBlobs live blobs copied
 * @param droppedBlobs blobs that were live in the old generation but not in the caller's live set, or that
 *     were freed during the copy (their frames stay in the new generation as freed ones)
 * @param bytesBefore bytes of frames in the old generation, freed ones included
 * @param bytesAfter bytes of frames in the new generation, those of blobs freed during the copy included
 * @param wallNanos time the collection took, fsyncs included
 */
public record GcResult(long fromGeneration, long toGeneration, long keptBlobs, long droppedBlobs, long bytesBefore,
                       long bytesAfter, long wallNanos) {}
