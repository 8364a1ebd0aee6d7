package dev.aeon.wal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;

/** Opens the channels the WAL writes through; tests replace it to inject write failures. */
@FunctionalInterface
interface ChannelOpener {

  ChannelOpener DEFAULT = FileChannel::open;

  FileChannel open(Path path, OpenOption... options) throws IOException;
}
