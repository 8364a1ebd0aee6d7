package dev.aeon.engine;

import dev.aeon.common.io.CorruptFileException;
import dev.aeon.common.io.FormatTooNewException;
import dev.aeon.common.io.FormatTooOldException;
import dev.aeon.index.atlas.store.CorruptIndexException;
import dev.aeon.query.trace.TraceCorruptException;
import dev.aeon.query.trace.TraceVersionException;
import dev.aeon.wal.WalCorruptException;
import dev.aeon.wal.WalTooNewException;
import dev.aeon.wal.WalTooOldException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * What a failed open of a namespace throws. Each store reports a damaged file or another format version
 * with an exception of its own package; the engine's users get one family for all of them,
 * {@link dev.aeon.common.io.FileFormatException} (naming file and offset, with the store's exception as the
 * cause), so that "this namespace's files cannot be used as they are" is one catch. Any other I/O failure
 * stays an {@link UncheckedIOException}.
 */
final class OpenFailures {

  private OpenFailures() {}

  static RuntimeException of(String namespace, Path dir, IOException e) {
    return switch (e) {
      case WalCorruptException w -> new CorruptFileException(w.file(), w.offset(),
          "log record LSN " + w.lsn() + ": " + w.problem(), w);
      case TraceCorruptException t -> new CorruptFileException(t.file(), t.offset(), t.problem(), t);
      case CorruptIndexException i -> new CorruptFileException(i.file(), i.offset(), i.problem(), i);
      case WalTooNewException w -> new FormatTooNewException(w.file(), w.offset(), w.problem(), w);
      case WalTooOldException w -> new FormatTooOldException(w.file(), w.offset(), w.problem(), w);
      case TraceVersionException.TooNew t -> new FormatTooNewException(t.file(), t.offset(), t.problem(), t);
      case TraceVersionException.TooOld t -> new FormatTooOldException(t.file(), t.offset(), t.problem(), t);
      case dev.aeon.index.atlas.store.FormatTooNewException i ->
          new FormatTooNewException(i.file(), i.offset(), i.problem(), i);
      case dev.aeon.index.atlas.store.FormatTooOldException i ->
          new FormatTooOldException(i.file(), i.offset(), i.problem(), i);
      // every file a store opens without creating it was written by that store: gone means damaged
      case NoSuchFileException n when n.getFile() != null ->
          new CorruptFileException(Path.of(n.getFile()), 0, "missing, though the namespace's other files need it", n);
      default -> new UncheckedIOException("cannot open namespace '" + namespace + "' in " + dir, e);
    };
  }
}
