package dev.aeon.server;

/**
 * Thrown inside a command run on its connection's thread where it would open a namespace (reading its files,
 * replaying its log), load a vector set (reading its elements) or begin what it leaves to the pool (a search): work
 * that would hold the carrier every other client's thread shares, as a virtual thread is never preempted. Thrown
 * before the command has changed anything or sent any of its reply; {@link ServerContext#runCommandIfItOpensNothing}
 * catches it, and the command is run again from its start on the pool of command threads. Carries no stack trace: it
 * is an answer, not a failure.
 */
final class NeedsThePool extends RuntimeException {

  NeedsThePool(String what) {
    super(what, null, false, false);
  }
}
