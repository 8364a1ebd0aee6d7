package dev.aeon.common.testing;

import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks the API's rule for null arguments (the JDK's): a null where none is allowed throws a
 * {@link NullPointerException} whose message is the parameter's name (as {@code Objects.requireNonNull(x, "x")}
 * does; a message may go on after the name and a space). Every public method and constructor a class declares
 * is called once per reference parameter, with null there and a sample value of its type in every other place.
 * Needs classes compiled with {@code -parameters}, as the build does.
 *
 * <pre>{@code
 * List<String> misfits = NullArguments.misfits(Recall.class, recall, samples, Set.of("session(session)"));
 * assertEquals(List.of(), misfits);
 * }</pre>
 */
public final class NullArguments {

  private NullArguments() {}

  /**
   * The calls that broke the rule, each as {@code method(parameter): what happened}; empty if none did. Instance
   * methods are called on {@code target} (skipped if it is null); {@code samples} holds a non-null value for each
   * type a parameter has (primitives by their class, e.g. {@code int.class}: 1; a parameter that may be null
   * without one gets null), or for one parameter ({@code "query(statement)"}: "RETURN 1"). {@code nullable} names the
   * parameters where null means something ({@code method(parameter)}, constructors as {@code new}) and the
   * methods left out whole ({@code method}).
   */
  public static List<String> misfits(Class<?> type, Object target, Map<?, Object> samples, Set<String> nullable) {
    List<Executable> all = new ArrayList<>();
    all.addAll(Arrays.asList(type.getDeclaredConstructors()));
    all.addAll(Arrays.asList(type.getDeclaredMethods()));
    all.sort(Comparator.comparing(Executable::toGenericString)); // one order, so a report reads the same each run
    List<String> misfits = new ArrayList<>();
    for (Executable e : all) {
      boolean isStatic = e instanceof Constructor<?> || Modifier.isStatic(e.getModifiers());
      if (!Modifier.isPublic(e.getModifiers()) || e.isSynthetic() || !Modifier.isPublic(type.getModifiers())
          || (!isStatic && target == null) || nullable.contains(name(e))
          || e.getName().equals("equals")) { // equals(null) is false
        continue;
      }
      Parameter[] ps = e.getParameters();
      for (int i = 0; i < ps.length; i++) {
        if (ps[i].getType().isPrimitive() || nullable.contains(name(e) + "(" + ps[i].getName() + ")")) {
          continue;
        }
        if (!ps[i].isNamePresent()) {
          throw new IllegalStateException(type.getName() + " was compiled without -parameters");
        }
        String call = name(e) + "(" + ps[i].getName() + ")";
        Object[] args = new Object[ps.length];
        for (int j = 0; j < ps.length; j++) {
          String place = name(e) + "(" + ps[j].getName() + ")";
          if (j != i) {
            args[j] = samples.containsKey(place) ? samples.get(place)
                : nullable.contains(place) && !samples.containsKey(ps[j].getType()) ? null
                : sample(samples, ps[j].getType(), call);
          }
        }
        String outcome = outcome(e, isStatic ? null : target, args, ps[i].getName());
        if (outcome != null) {
          misfits.add(call + ": " + outcome);
        }
      }
    }
    return misfits;
  }

  private static String name(Executable e) {
    return e instanceof Constructor<?> ? "new" : e.getName();
  }

  private static Object sample(Map<?, Object> samples, Class<?> type, String call) {
    Object s = samples.get(type);
    if (s == null) {
      throw new IllegalArgumentException("no sample of " + type.getName() + " for " + call);
    }
    return s;
  }

  /** Null if the call threw the NullPointerException the rule asks for, else what it did. */
  private static String outcome(Executable e, Object target, Object[] args, String parameter) {
    try {
      e.setAccessible(true); // a public method of a class the test cannot see by name (an interface's implementation)
      if (e instanceof Method m) {
        m.invoke(target, args);
      } else {
        ((Constructor<?>) e).newInstance(args);
      }
      return "returned normally";
    } catch (InvocationTargetException x) {
      Throwable t = x.getCause();
      if (t instanceof NullPointerException && t.getMessage() != null
          && (t.getMessage().equals(parameter) || t.getMessage().startsWith(parameter + " "))) {
        return null;
      }
      return t.getClass().getSimpleName() + " \"" + t.getMessage() + "\"";
    } catch (ReflectiveOperationException x) {
      throw new IllegalStateException("cannot call " + e, x);
    }
  }
}
