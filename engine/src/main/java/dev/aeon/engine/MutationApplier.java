package dev.aeon.engine;

import dev.aeon.engine.log.Mutation;
import dev.aeon.engine.log.Mutation.AddLink;
import dev.aeon.engine.log.Mutation.ForgetEvent;
import dev.aeon.engine.log.Mutation.ForgetSession;
import dev.aeon.engine.log.Mutation.Invalidate;
import dev.aeon.engine.log.Mutation.LinkTo;
import dev.aeon.engine.log.Mutation.RememberBatch;
import dev.aeon.engine.log.Mutation.RememberEvent;
import dev.aeon.engine.log.Mutation.SetAttributes;
import dev.aeon.index.atlas.AtlasIndex;
import dev.aeon.query.trace.Edge;
import dev.aeon.query.trace.Event;
import dev.aeon.query.trace.Forgotten;
import dev.aeon.query.trace.Trace;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.agrona.collections.LongArrayList;

/**
 * Applies logged mutations to the stores: vectors first, then texts and the trace. Replay starts from the
 * trace's checkpoint, the oldest of the stores', so the trace holds exactly what the log held up to it; the
 * index and the blob arena may hold more (their checkpoints may be later), so a step on them first checks
 * whether it is already done: replay is idempotent (a new event's text the arena holds is found by its bytes,
 * {@link UnnamedTexts}). A mutation the trace has nothing to apply to is reported
 * ({@link #apply}), not skipped: the writer checked it against the same state before logging it.
 *
 * <p>A new event's text is stored before the trace refers to it, so no store ever refers to something
 * missing. A forgotten event leaves the vector index and the trace at once, but its text is only freed at
 * the next checkpoint ({@link #takeForgottenTexts()}), once the log holding the forget is forced: the
 * arena's free marks live in its mapped file and survive a process crash, while the index and the trace
 * roll back to their last checkpoint. Freeing earlier could leave an event whose forget was never logged
 * pointing at a freed text.
 */
final class MutationApplier {

  private final Stores stores;
  /** Blob refs of forgotten events, freed at the next checkpoint. Writer only. */
  private final LongArrayList forgottenTexts = new LongArrayList();
  /** During replay, the texts the arena holds that no event names yet ({@link #replaying}); null otherwise. */
  private UnnamedTexts unnamedTexts;
  /**
   * Tests only: a mutation it accepts is refused, {@link #apply} returning false without applying it, as no writer's
   * checked mutation can be (UnappliedMutationTest). Set on one namespace's applier; a reopened one has its own.
   */
  volatile Predicate<Mutation> refusedForTests = m -> false;

  MutationApplier(Stores stores) {
    this.stores = stores;
  }

  /**
   * Until {@link #replayed}, a new event takes its text from {@code texts} where the arena holds it already (a
   * crash after the arena was made durable or written, before the trace's checkpoint), instead of storing it again.
   */
  void replaying(UnnamedTexts texts) {
    unnamedTexts = texts;
  }

  /** Replay has ended: from now on every new event's text is new. */
  void replayed() {
    unnamedTexts = null;
  }

  /**
   * Hands over the blob refs of the events forgotten since the last call, for the caller to free once the
   * log records of those forgets are durable (a free replayed after a crash is harmless: the arena reports
   * it as already freed). Under the write lock, like every other call.
   */
  long[] takeForgottenTexts() {
    long[] refs = forgottenTexts.toLongArray();
    forgottenTexts.clear();
    return refs;
  }

  /**
   * Applies {@code m}. Returns false if the trace holds nothing it applies to: an event it names is missing or
   * forgotten, a session has no events, or a new event's id is not above every id before it (an invalidation
   * that finds no current link between live events ends nothing, and a link valid at no time between live events
   * makes none: older releases logged such). A writer checks all of that before logging; at replay it means the
   * record is damaged or not of this namespace's log (what it could apply, it has).
   */
  boolean apply(Mutation m) {
    if (refusedForTests.test(m)) {
      return false;
    }
    return switch (m) {
      case RememberEvent r -> remember(r);
      case RememberBatch b -> rememberAll(b);
      case AddLink l -> addLink(l);
      case Invalidate i -> invalidate(i);
      case SetAttributes s -> setAttributes(s);
      case ForgetEvent f -> forget(new long[] {f.id()});
      case ForgetSession f -> forgetSession(f.session());
    };
  }

  /** What {@code m} names, for a message: no text, vector or attribute value. */
  static String describe(Mutation m) {
    return switch (m) {
      case RememberEvent r -> "event " + r.id() + (r.links().isEmpty() ? "" : " with links to events "
          + r.links().stream().map(l -> String.valueOf(l.target())).collect(Collectors.joining(", ")));
      case RememberBatch b -> "batch of " + b.events().size() + " events: "
          + b.events().stream().map(MutationApplier::describe).collect(Collectors.joining("; "));
      case AddLink l -> "link " + l.from() + " -[" + l.type() + "]-> " + l.to();
      case Invalidate i -> "invalidation of " + i.from() + " -[" + i.type() + "]-> " + i.to();
      case SetAttributes s -> "attributes of event " + s.id();
      case ForgetEvent f -> "forget of event " + f.id();
      case ForgetSession f -> "forget of session '" + f.session() + "'";
    };
  }

  /**
   * Remembers the batch's events in order, then their links, as an event may link to one after it in the batch
   * ({@link Remember#link(String, Remember)}); false if one of them has nothing to apply to (what it could apply,
   * it has: at replay that fails the open, in the writer it cannot happen).
   */
  private boolean rememberAll(RememberBatch b) {
    boolean all = true;
    List<RememberEvent> appended = new ArrayList<>(b.events().size());
    for (RememberEvent r : b.events()) {
      Appended a = append(r);
      all &= a != Appended.NOTHING_TO_APPLY_TO;
      if (a == Appended.YES) {
        appended.add(r);
      }
    }
    for (RememberEvent r : appended) {
      all &= addLinks(r);
    }
    return all;
  }

  private boolean remember(RememberEvent r) {
    return switch (append(r)) {
      case YES -> addLinks(r);
      case REFUSED_BY_AN_OLD_RELEASE -> true;
      case NOTHING_TO_APPLY_TO -> false;
    };
  }

  /** What {@link #append} made of an event. */
  private enum Appended { YES, REFUSED_BY_AN_OLD_RELEASE, NOTHING_TO_APPLY_TO }

  /** Adds the event, without its links, to the index, the blob arena and the trace. */
  private Appended append(RememberEvent r) {
    Trace trace = stores.trace;
    if (r.id() <= trace.maxEventId()) {
      // the trace's checkpoint holds every event logged before it, and ids only grow
      return Appended.NOTHING_TO_APPLY_TO;
    }
    if (refusedAttributes(r.attributes())) {
      // Logged by a release before e818f27c, whose trace then refused the event: the caller got the error and
      // the namespace failed; the event never was (nor is it here), and nothing was logged after it.
      return Appended.REFUSED_BY_AN_OLD_RELEASE;
    }
    if (r.vector() != null) {
      AtlasIndex atlas = stores.atlasFor(r.vector().length);
      if (!atlas.contains(r.id())) {
        atlas.add(r.id(), r.vector());
      }
    }
    long ref = unnamedTexts == null ? 0 : unnamedTexts.take(r.text());
    if (ref == 0) {
      ref = stores.blobs.append(r.text());
    }
    trace.append(new Event(r.id(), r.session(), r.role(), r.tsMicros(), ref,
        r.vector() == null ? Event.NO_VECTOR : r.id(), r.attributes()));
    return Appended.YES;
  }

  /** Adds the links of an event {@link #append} added; true if every one's target is live. */
  private boolean addLinks(RememberEvent r) {
    Trace trace = stores.trace;
    boolean linked = true;
    for (LinkTo link : r.links()) {
      if (link.type().equals(Edge.NEXT)) {
        // a release before e818f27c appended the event, then its trace refused the link: it left no link
        linked &= trace.contains(link.target());
        continue;
      }
      linked &= trace.addEdge(link.type(), r.id(), link.target(), Long.MIN_VALUE, Long.MAX_VALUE);
    }
    return linked;
  }

  /**
   * Adds the link; true if its two events are live. The first releases (before e818f27c) logged a link that ends
   * where it starts (valid at no time), and a stored NEXT link, before their trace refused it: the caller got the
   * error and no link was made. A log they wrote must still open, and replay makes none either; one that ends
   * before it starts no release logged.
   */
  private boolean addLink(AddLink l) {
    Trace trace = stores.trace;
    if (l.validFromMicros() == l.validToMicros() || l.type().equals(Edge.NEXT)) {
      return trace.contains(l.from()) && trace.contains(l.to());
    }
    return trace.addEdge(l.type(), l.from(), l.to(), l.validFromMicros(), l.validToMicros());
  }

  /**
   * Ends the current links the invalidation names; true if its two events are live, whether it ended any or not.
   * Releases before {@code invalidate} returned a count logged one whenever both events existed, also of a link
   * already ended or never made, which ended nothing then: a log they wrote must still open.
   */
  private boolean invalidate(Invalidate i) {
    Trace trace = stores.trace;
    // The first releases (before e818f27c) logged an invalidation of NEXT, which their trace then refused, and
    // one at Long.MAX_VALUE, which their trace applied as ending at "open": neither ended anything.
    if (!i.type().equals(Edge.NEXT) && i.atMicros() != Edge.OPEN) {
      trace.invalidateEdges(i.type(), i.from(), i.to(), i.atMicros());
    }
    return trace.contains(i.from()) && trace.contains(i.to());
  }

  /**
   * Sets the attributes; true if the event is live. The first releases (before e818f27c) logged changes that
   * took an event past 256 attributes or 32,760 bytes of them before their trace refused them: nothing changed.
   */
  private boolean setAttributes(SetAttributes s) {
    Trace trace = stores.trace;
    try {
      trace.checkAttributeUpdate(s.id(), s.attributes());
    } catch (IllegalArgumentException tooMany) {
      return trace.contains(s.id());
    }
    return trace.updateAttributes(s.id(), s.attributes());
  }

  private static boolean refusedAttributes(Map<String, Object> attributes) {
    try {
      Trace.checkAttributes(attributes);
      return false;
    } catch (IllegalArgumentException e) {
      return true;
    }
  }

  private boolean forget(long[] ids) {
    removeVectors(ids);
    return freeTextsOf(stores.trace.forgetAll(ids));
  }

  /**
   * Forgets the session's live events: their ids are read from the trace's list of the session's slots, and the
   * trace forgets them by those slots (no event is made to find them, nor an id looked up again).
   */
  private boolean forgetSession(String session) {
    removeVectors(stores.trace.liveSessionIds(session));
    return freeTextsOf(stores.trace.forgetSession(session));
  }

  /**
   * Removes the vectors of these events, those that have one (at replay, those the index still holds), before the
   * trace forgets them: several at once, so that each leaf of the index they leave is compacted once.
   */
  private void removeVectors(long[] ids) {
    AtlasIndex atlas = stores.atlas();
    if (atlas == null) {
      return;
    }
    if (ids.length > 1) {
      atlas.removeAll(ids);
    } else if (ids.length == 1 && atlas.contains(ids[0])) {
      atlas.remove(ids[0]);
    }
  }

  /** Keeps the forgotten events' texts to free at the next checkpoint; true if anything was forgotten. */
  private boolean freeTextsOf(Forgotten gone) {
    for (long ref : gone.blobRefs()) {
      forgottenTexts.addLong(ref);
    }
    return !gone.isEmpty();
  }
}
