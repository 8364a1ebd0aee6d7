package dev.aeon.engine;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each event of a {@link Memory#rememberAll} batch is in it, so that a link from one event to another of the
 * same batch ({@link Remember#link(String, Remember)}) can name its target by its index until the batch has ids:
 * the batch's events take consecutive ids, the first at index 0.
 */
final class BatchIndexes {

  /** A link to the batch's event at {@code index}. */
  record Link(String type, int index) {}

  /** Marks an event given more than once: a link to it would not say which. */
  private static final int TWICE = -1;

  private BatchIndexes() {}

  /** Each event's index in {@code events}, by identity; {@link #TWICE} for one given more than once. */
  static Map<Remember, Integer> of(List<Remember> events) {
    Map<Remember, Integer> indexes = new IdentityHashMap<>(events.size() * 2);
    for (int i = 0; i < events.size(); i++) {
      Remember r = events.get(i);
      if (r == null) {
        throw new NullPointerException("the batch's event at index " + i + " is null; nothing was remembered");
      }
      indexes.merge(r, i, (first, again) -> TWICE);
    }
    return indexes;
  }

  /** The links {@code r} makes to events of its batch, by their indexes; refuses a target not once in it. */
  static List<Link> links(Remember r, Map<Remember, Integer> indexes) {
    if (r.batchLinks.isEmpty()) {
      return List.of();
    }
    List<Link> links = new ArrayList<>(r.batchLinks.size());
    for (Remember.BatchLink l : r.batchLinks) {
      Integer index = indexes.get(l.target());
      if (index == null) {
        throw new IllegalArgumentException("the event has a '" + l.type() + "' link to an event that is not in"
            + " the batch (a link to a Remember names an event of the same rememberAll call)");
      }
      if (index == TWICE) {
        throw new IllegalArgumentException("the event has a '" + l.type() + "' link to an event the batch holds"
            + " more than once, so the link does not say which of them it names");
      }
      links.add(new Link(Inputs.linkType(l.type()), index));
    }
    return links;
  }
}
