package io.github.eksnoderemediator.config;

import io.github.eksnoderemediator.json.StrictObject;
import java.time.Duration;
import java.util.Set;

/**
 * The ENI function's own bounded waits ({@code eni.waits}). Each one not set takes the shared key
 * it was read from before these existed, so an older configuration means what it meant.
 *
 * @param reconcile how long one reconcile keeps observing, planning and writing until every profile
 *     is settled; defaults to {@code waits.notFoundSeconds}
 * @param detach how long cleanup waits for a detached interface of ours to become {@code available}
 *     before deleting it; defaults to {@code waits.appliedSeconds}
 */
public record EniWaits(Duration reconcile, Duration detach) {
  static final int MAX_SECONDS = 600;

  /** The values an absent {@code eni.waits} means: the shared keys'. */
  public static EniWaits from(Waits shared) {
    return new EniWaits(shared.notFound(), shared.applied());
  }

  static EniWaits parse(StrictObject w, Waits shared) {
    w.allowOnly(Set.of("reconcileSeconds", "detachSeconds"));
    EniWaits d = from(shared);
    return new EniWaits(
        w.integer("reconcileSeconds", 0, MAX_SECONDS)
            .map(s -> Duration.ofSeconds(s))
            .orElse(d.reconcile()),
        w.integer("detachSeconds", 0, MAX_SECONDS)
            .map(s -> Duration.ofSeconds(s))
            .orElse(d.detach()));
  }
}
