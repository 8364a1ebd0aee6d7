package dev.aeon.embed;

import ai.onnxruntime.OrtEnvironment;
import dev.aeon.common.UserCache;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.zip.CRC32;

/**
 * Points ONNX Runtime at one unpacked copy of its native libraries in the user's cache
 * ({@code onnxruntime/<platform>-<crc>} under {@link UserCache#root()}), shared by every process.
 *
 * <p>Why: left to itself, ONNX Runtime unpacks its 28 MB library into a new temporary folder in every
 * process and deletes it only when the JVM exits normally, and then leaves the folder itself behind; a
 * process that is killed leaves all 28 MB. The copy here is keyed by the jar entries' checksums, so a new
 * ONNX Runtime version gets a folder of its own; a file is unpacked under a temporary name and renamed,
 * so no process ever loads a partly written one; a copy whose checksum no longer matches (read whole at
 * each start: a damaged native library would crash the JVM) is unpacked again. The folder must be this
 * user's alone.
 *
 * <p>If the user set {@value #PROPERTY} already, or the libraries are not in a jar, or the cache cannot
 * be written, nothing is changed and ONNX Runtime unpacks as it always did.
 */
final class NativeLibraries {

  /** ONNX Runtime's own property: the folder to load its native libraries from. */
  static final String PROPERTY = "onnxruntime.native.path";

  private static final System.Logger LOG = System.getLogger(NativeLibraries.class.getName());
  private static final String[] LIBRARIES = {"onnxruntime", "onnxruntime4j_jni"};
  private static final long STALE_PARTIAL_MILLIS = 10 * 60_000;

  private NativeLibraries() {}

  /** Sets {@value #PROPERTY} to the cached copy, unpacking it first if needed; before ONNX Runtime loads. */
  static synchronized void useCachedCopy() {
    if (System.getProperty(PROPERTY) != null) {
      return;
    }
    try {
      Path dir = unpack(UserCache.root().resolve("onnxruntime"));
      if (dir != null) {
        System.setProperty(PROPERTY, dir.toString());
      }
    } catch (IOException | UncheckedIOException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot keep ONNX Runtime's native libraries in the cache; it will"
          + " unpack them into a temporary folder: " + e);
    }
  }

  /**
   * Unpacks the libraries of this platform into a folder under {@code cache} named by their checksums,
   * unless a good copy is there; returns the folder, or null if the libraries are not in a jar here.
   */
  static Path unpack(Path cache) throws IOException {
    String platform = platform();
    if (platform == null) {
      return null;
    }
    List<Library> libraries = new ArrayList<>();
    long key = 0;
    for (String name : LIBRARIES) {
      String file = System.mapLibraryName(name);
      URL url = OrtEnvironment.class.getResource("/ai/onnxruntime/native/" + platform + "/" + file);
      if (url == null || !(url.openConnection() instanceof JarURLConnection jar)) {
        return null;
      }
      JarEntry entry = jar.getJarEntry();
      if (entry.getCrc() < 0) {
        return null;
      }
      libraries.add(new Library(file, url, entry.getCrc()));
      key = key * 31 + entry.getCrc();
    }
    Path dir = cache.resolve(platform + "-" + Long.toHexString(key));
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(cache);
      try {
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } catch (UnsupportedOperationException notPosix) {
        Files.createDirectory(dir);
      } catch (java.nio.file.FileAlreadyExistsException another) {
        // another process made it meanwhile: checked below like any existing folder
      }
    }
    requirePrivate(dir);
    deleteStalePartials(dir);
    for (Library library : libraries) {
      Path target = dir.resolve(library.file());
      if (!Files.exists(target) || crc(target) != library.crc()) {
        unpack(library, target);
      }
    }
    return dir;
  }

  /**
   * Native code loaded from a folder that another user can write to would be theirs to choose (a checksum
   * proves nothing against someone who can write the file): the folder must be this user's and writable by
   * no one else. Where the file system has no POSIX owners and permissions, there is nothing to check.
   */
  private static void requirePrivate(Path dir) throws IOException {
    if (!Files.getFileStore(dir).supportsFileAttributeView("posix")) {
      return;
    }
    UserPrincipal me;
    Path probe = Files.createTempFile(dir, "owner", ".probe"); // who this process is, as the file system says
    try {
      me = Files.getOwner(probe);
    } finally {
      Files.delete(probe);
    }
    UserPrincipal owner = Files.getOwner(dir);
    Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(dir);
    if (!owner.equals(me)
        || permissions.contains(PosixFilePermission.GROUP_WRITE)
        || permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
      throw new IOException(dir + " belongs to " + owner.getName() + " with permissions "
          + PosixFilePermissions.toString(permissions) + "; native libraries are loaded only from a folder"
          + " that this user owns and no one else can write to");
    }
  }

  /** Partial copies of a process that died while unpacking (one still unpacking is younger than this). */
  private static void deleteStalePartials(Path dir) throws IOException {
    long before = System.currentTimeMillis() - STALE_PARTIAL_MILLIS;
    try (DirectoryStream<Path> partials = Files.newDirectoryStream(dir, "*.partial")) {
      for (Path p : partials) {
        if (Files.getLastModifiedTime(p).toMillis() < before) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private static void unpack(Library library, Path target) throws IOException {
    Path partial = Files.createTempFile(target.getParent(), library.file(), ".partial");
    try {
      try (InputStream in = library.url().openStream()) {
        Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
      }
      if (crc(partial) != library.crc()) {
        throw new IOException("unpacked " + library.file() + " does not match its checksum in the jar");
      }
      Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(partial);
    }
  }

  private static long crc(Path file) throws IOException {
    CRC32 crc = new CRC32();
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        crc.update(buffer, 0, n);
      }
    }
    return crc.getValue();
  }

  /** ONNX Runtime's name for this platform's folder in its jar, or null where we do not know it. */
  private static String platform() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = switch (System.getProperty("os.arch", "")) {
      case "amd64", "x86_64" -> "x64";
      case "aarch64" -> "aarch64";
      default -> null;
    };
    if (arch == null) {
      return null;
    }
    if (os.startsWith("linux")) {
      return "linux-" + arch;
    }
    return os.startsWith("mac") ? "osx-" + arch : null;
  }

  private record Library(String file, URL url, long crc) {}
}
