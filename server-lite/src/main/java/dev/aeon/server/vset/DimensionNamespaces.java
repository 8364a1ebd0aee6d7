package dev.aeon.server.vset;

import dev.aeon.engine.Aeon;
import dev.aeon.server.command.CommandError;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * The naming of the namespaces that store vector sets: those of user namespace N with d dimensions live in
 * namespace {@code N.vset-d<d>}. No user namespace may contain the marker {@code .vset-d}, so a storage
 * namespace is never a user's, and a storage name belongs to exactly one user namespace (the text before the
 * marker). Kept rather than renamed so that sets stored before this rule still open.
 */
public final class DimensionNamespaces {

  static final String MARKER = ".vset-d";

  private DimensionNamespaces() {}

  /**
   * The namespace holding the vector sets of {@code ns} with {@code dim} dimensions. Its name is longer than
   * {@code ns}, so a user namespace whose name is near the longest cannot hold vector sets: said in the user's
   * terms, not as a bad name the user never typed.
   */
  static String of(String ns, int dim) {
    String name = ns + MARKER + dim;
    if (name.length() > Aeon.MAX_NAMESPACE_NAME) {
      throw CommandError.err("namespace '" + ns + "' has too long a name for vector sets of " + dim
          + " dimensions: they need a name of at most " + (Aeon.MAX_NAMESPACE_NAME - (name.length() - ns.length()))
          + " characters");
    }
    return name;
  }

  /** Whether {@code name} (a namespace directory) stores vector sets of user namespace {@code ns}. */
  static boolean belongsTo(String name, String ns) {
    String prefix = ns + MARKER;
    if (!name.startsWith(prefix) || name.length() == prefix.length()) {
      return false;
    }
    for (int i = prefix.length(); i < name.length(); i++) {
      if (name.charAt(i) < '0' || name.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  /** The dimension of a storage namespace's vectors, read from its name; empty if the number is too large. */
  static OptionalInt dimension(String storageName) {
    try {
      return OptionalInt.of(Integer.parseInt(storageName.substring(storageName.lastIndexOf(MARKER) + MARKER.length())));
    } catch (NumberFormatException e) {
      return OptionalInt.empty();
    }
  }

  /**
   * Refuses a user namespace name that contains the marker. Ignoring case, because on a case-insensitive file
   * system {@code X.VSET-D3} is the directory of {@code x.vset-d3}.
   */
  public static void checkUserName(String ns) {
    if (ns.toLowerCase(Locale.ROOT).contains(MARKER)) {
      throw CommandError.err("namespace names containing '" + MARKER + "' are reserved for the storage of vector "
          + "sets");
    }
  }
}
