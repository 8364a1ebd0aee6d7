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

  static final String MARKER = Aeon.VECTOR_SET_MARKER;

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
    return dimension(name, ns).isPresent();
  }

  /**
   * The dimension of the vectors in {@code name} if it stores vector sets of {@code ns}: the name is
   * {@code ns.vset-d<dim>} exactly as {@link #of} writes it (no sign, no leading zero, within an int); else empty.
   */
  static OptionalInt dimension(String name, String ns) {
    String prefix = ns + MARKER;
    if (!name.startsWith(prefix)) {
      return OptionalInt.empty();
    }
    String digits = name.substring(prefix.length());
    try {
      int dim = Integer.parseInt(digits);
      return dim >= 1 && Integer.toString(dim).equals(digits) ? OptionalInt.of(dim) : OptionalInt.empty();
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
