package io.github.eksnoderemediator.eni;

import io.github.eksnoderemediator.port.EniId;
import java.util.ArrayList;
import java.util.List;

/** What happened to one profile so far in one reconcile run. Confined to the run's thread. */
final class Progress {
  /** The latest plan made for the profile, or null before the first. */
  ProfilePlan last;

  /** The interface this run created or attached for the profile, once it did. */
  EniId eni;

  boolean created;
  boolean attached;
  boolean updated;

  /** The writes made, as report phrases, in order. */
  final List<String> done = new ArrayList<>();

  /** The error that last made the run look again rather than give up. */
  String lastError;

  /** Why the run gave up on the profile, once it did. */
  Failure failure;

  /** Attaches refused as an invalid request so far (one more look is allowed). */
  int refusedAttaches;

  boolean gaveUp() {
    return failure != null;
  }

  void giveUp(Failure why) {
    failure = why;
  }

  /** What a settled profile reports: the strongest write this run made for it. */
  EniDecision decision() {
    if (created) {
      return EniDecision.CREATED;
    }
    if (attached) {
      return EniDecision.ATTACHED;
    }
    return updated ? EniDecision.UPDATED : EniDecision.ALREADY_PRESENT;
  }
}
