package dev.aeon.bench.trace;

import dev.aeon.bench.contention.Latencies;
import dev.aeon.query.exec.QueryResult;
import dev.aeon.query.trace.Direction;
import dev.aeon.query.trace.Event;
import dev.aeon.query.trace.Neighbour;
import dev.aeon.query.trace.Trace;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;
import org.agrona.collections.LongHashSet;

/**
 * The timed reads, each through the store API and through the query language. Every operation checks
 * its own result (a wrong answer fails the benchmark, it is not timed faster) and returns a number that
 * is summed into {@link #checksum}, so no work can be optimised away.
 */
final class TraceQueries {

  static final int HISTORY = 100;
  static final int RANGE = 100;
  static final int SEEDS = 10;
  static final int NEWEST = 5;

  private static final String QL_HISTORY = "MATCH (e {session: $s}) RETURN e.id ORDER BY e.ts DESC LIMIT 100";
  private static final String QL_RANGE = "MATCH (e) WHERE e.ts BETWEEN $from AND $to RETURN e.id";
  private static final String QL_HOP2 = "MATCH (s {id: $id})-[*1..2]-(n) RETURN count(DISTINCT n)";
  /** The session read from another event: its index is read for that event's row. */
  private static final String QL_SESSION_OF = "MATCH (a {id: $id}) MATCH (e {session: a.session}) RETURN count(e)";
  /** The newest turns of a session, each with the turn before it: WITH sorts and limits, a pattern goes on. */
  private static final String QL_NEWEST_WITH_PREVIOUS = "MATCH (e {session: $s}) WITH e ORDER BY e.ts DESC LIMIT "
      + NEWEST + " MATCH (p)-[:NEXT]->(e) RETURN p.id, e.id";

  /** The events of a session that refer to another event: a subquery per event of the session. */
  private static final String QL_EXISTS =
      "MATCH (e {session: $s}) WHERE EXISTS { (e)-[:REFERS_TO]->() } RETURN count(e)";
  /** The same count without a subquery (the baseline): a join, then DISTINCT over its rows. */
  private static final String QL_EXISTS_AS_JOIN = "MATCH (e {session: $s})-[:REFERS_TO]->() RETURN count(DISTINCT e)";

  private final Trace trace;
  private final TraceWorkload workload;
  private final int events;
  private final SplittableRandom random;
  private long checksum;
  private long reached;
  private long hop2Runs;

  TraceQueries(Trace trace, TraceWorkload workload, int events, long seed) {
    this.trace = trace;
    this.workload = workload;
    this.events = events;
    this.random = new SplittableRandom(seed);
  }

  long checksum() {
    return checksum;
  }

  /** Mean number of distinct events a 2-hop expansion from {@link #SEEDS} seeds reached. */
  double meanReached() {
    return hop2Runs == 0 ? 0 : (double) reached / hop2Runs;
  }

  /** Wall-clock latencies of a phase, how often the thread was preempted in it, and CPU time per operation. */
  record Phase(Latencies wall, long samples, long preemptions, Latencies cpu) {}

  /**
   * Runs {@code op} {@code warmup} times untimed, then {@code samples} times timed back to back, then
   * {@code samples / 4} times measuring the thread's CPU time instead (kept apart, so the CPU clock's
   * own cost does not inflate the wall-clock figures).
   */
  Phase measure(int warmup, int samples, LongSupplier op) {
    for (int i = 0; i < warmup; i++) {
      checksum += op.getAsLong();
    }
    Latencies wall = new Latencies();
    long preemptedBefore = CpuShare.preemptions();
    for (int i = 0; i < samples; i++) {
      long t0 = System.nanoTime();
      long r = op.getAsLong();
      wall.add(System.nanoTime() - t0);
      checksum += r;
    }
    long preempted = preemptedBefore < 0 ? -1 : CpuShare.preemptions() - preemptedBefore;
    Latencies cpu = new Latencies();
    for (int i = 0; i < samples / 4; i++) {
      long c0 = CpuShare.cpuNanos();
      checksum += op.getAsLong();
      cpu.add(CpuShare.cpuNanos() - c0);
    }
    return new Phase(wall, samples, preempted, cpu);
  }

  // ----------------------------------------------------------------------------------- store API

  /** {@code history(session, 100)}: the newest turns, newest first. */
  long history() {
    String session = workload.session(random.nextInt(workload.sessions()));
    List<Event> h = trace.history(session, HISTORY);
    if (h.size() != Math.min(HISTORY, events / workload.sessions()) || !h.getFirst().session().equals(session)
        || h.getFirst().id() <= h.getLast().id()) {
      throw new AssertionError("history(" + session + ") returned " + h.size() + " events, not newest first");
    }
    return h.getFirst().id();
  }

  /** A time range that holds exactly 100 events (timestamps of id i lie in [T0 + i*STEP, T0 + (i+1)*STEP)). */
  long range() {
    long first = 1 + random.nextLong(events - RANGE + 1);
    long from = TraceWorkload.T0 + first * TraceWorkload.STEP;
    long to = TraceWorkload.T0 + (first + RANGE) * TraceWorkload.STEP - 1;
    List<Event> r = trace.range(from, to, RANGE + 1);
    if (r.size() != RANGE || r.getFirst().id() != first) {
      throw new AssertionError("range from event " + first + " returned " + r.size() + " events");
    }
    return r.getLast().id();
  }

  /** Every event within two hops (any type, both directions, NEXT included) of 10 random seeds. */
  long hop2() {
    LongHashSet seen = new LongHashSet();
    long[] frontier = new long[SEEDS];
    for (int i = 0; i < SEEDS; i++) {
      frontier[i] = 1 + random.nextLong(events);
      seen.add(frontier[i]);
    }
    long[] next = new long[64];
    int n = 0;
    for (long id : frontier) {
      for (Neighbour nb : trace.neighbours(id, Direction.BOTH, null, Trace.CURRENT)) {
        if (seen.add(nb.eventId())) {
          next = n == next.length ? java.util.Arrays.copyOf(next, n * 2) : next;
          next[n++] = nb.eventId();
        }
      }
    }
    for (int i = 0; i < n; i++) {
      for (Neighbour nb : trace.neighbours(next[i], Direction.BOTH, null, Trace.CURRENT)) {
        seen.add(nb.eventId());
      }
    }
    if (n == 0) {
      throw new AssertionError("no neighbours of 10 seeds");
    }
    reached += seen.size();
    hop2Runs++;
    return seen.size();
  }

  // ------------------------------------------------------------------------------ query language

  long qlHistory() {
    String session = workload.session(random.nextInt(workload.sessions()));
    QueryResult r = trace.query(QL_HISTORY, Map.of("s", session));
    if (r.size() != Math.min(HISTORY, events / workload.sessions())) {
      throw new AssertionError(QL_HISTORY + " returned " + r.size() + " rows");
    }
    return (Long) r.rows().getFirst().getFirst();
  }

  long qlRange() {
    long first = 1 + random.nextLong(events - RANGE + 1);
    Map<String, Object> p = Map.of("from", TraceWorkload.T0 + first * TraceWorkload.STEP,
        "to", TraceWorkload.T0 + (first + RANGE) * TraceWorkload.STEP - 1);
    QueryResult r = trace.query(QL_RANGE, p);
    if (r.size() != RANGE) {
      throw new AssertionError(QL_RANGE + " returned " + r.size() + " rows");
    }
    return (Long) r.rows().getFirst().getFirst();
  }

  /** The same 2-hop expansion as {@link #hop2()}, one statement per seed (path semantics, so counts differ). */
  long qlHop2() {
    long sum = 0;
    for (int i = 0; i < SEEDS; i++) {
      QueryResult r = trace.query(QL_HOP2, Map.of("id", 1 + random.nextLong(events)));
      sum += (Long) r.rows().getFirst().getFirst();
    }
    return sum;
  }

  /** How many events the session of a random event holds. */
  long qlSessionOf() {
    QueryResult r = trace.query(QL_SESSION_OF, Map.of("id", 1 + random.nextLong(events)));
    long n = (Long) r.rows().getFirst().getFirst();
    if (n != events / workload.sessions()) {
      throw new AssertionError(QL_SESSION_OF + " counted " + n + " events");
    }
    return n;
  }

  /** The {@value #NEWEST} newest events of a random session, each with the one before it. */
  long qlNewestWithPrevious() {
    String session = workload.session(random.nextInt(workload.sessions()));
    QueryResult r = trace.query(QL_NEWEST_WITH_PREVIOUS, Map.of("s", session));
    if (r.size() != Math.min(NEWEST, events / workload.sessions() - 1)) {
      throw new AssertionError(QL_NEWEST_WITH_PREVIOUS + " returned " + r.size() + " rows");
    }
    return (Long) r.rows().getFirst().getFirst();
  }

  /** How many events of a random session refer to another, by {@code statement}. */
  long qlReferring(String statement) {
    String session = workload.session(random.nextInt(workload.sessions()));
    long n = (Long) trace.query(statement, Map.of("s", session)).rows().getFirst().getFirst();
    if (n <= 0 || n > events / workload.sessions()) {
      throw new AssertionError(statement + " counted " + n + " events of " + session);
    }
    return n;
  }

  long qlExists() {
    return qlReferring(QL_EXISTS);
  }

  long qlExistsAsJoin() {
    return qlReferring(QL_EXISTS_AS_JOIN);
  }

  /** Fails unless the subquery and the join count the same events, session by session. */
  void checkExistsAgreesWithTheJoin(int sessions) {
    for (int i = 0; i < sessions; i++) {
      Map<String, Object> p = Map.of("s", workload.session(i));
      Object exists = trace.query(QL_EXISTS, p).rows().getFirst().getFirst();
      Object join = trace.query(QL_EXISTS_AS_JOIN, p).rows().getFirst().getFirst();
      if (!exists.equals(join)) {
        throw new AssertionError("session " + workload.session(i) + ": EXISTS counted " + exists + ", the join "
            + join);
      }
    }
  }

  static String statements() {
    return QL_HISTORY + " | " + QL_RANGE + " | " + QL_HOP2 + " (x" + SEEDS + ") | " + QL_SESSION_OF + " | "
        + QL_NEWEST_WITH_PREVIOUS + " | " + QL_EXISTS + " | " + QL_EXISTS_AS_JOIN;
  }

  /** The plans of the statements, to show which index each starts from. */
  String explain() {
    return trace.explain(QL_HISTORY, Map.of("s", workload.session(0))) + "\n"
        + trace.explain(QL_RANGE, Map.of("from", TraceWorkload.T0, "to", TraceWorkload.T0 + RANGE * TraceWorkload.STEP))
        + "\n" + trace.explain(QL_HOP2, Map.of("id", 1L)) + "\n" + trace.explain(QL_SESSION_OF, Map.of("id", 1L))
        + "\n" + trace.explain(QL_NEWEST_WITH_PREVIOUS, Map.of("s", workload.session(0)))
        + "\n" + trace.explain(QL_EXISTS, Map.of("s", workload.session(0)))
        + "\n" + trace.explain(QL_EXISTS_AS_JOIN, Map.of("s", workload.session(0)));
  }
}
