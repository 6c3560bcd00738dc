package io.github.eksnoderemediator.config;

import java.time.Duration;

/**
 * Bounded waits inside one invocation, for what the SDK's retry strategy cannot know about.
 *
 * @param notFound how long to keep describing an instance that EC2 does not show yet (eventual
 *     consistency right after RunInstances); also the ENI reconcile's bound when {@code
 *     eni.waits.reconcileSeconds} is not set ({@link EniWaits})
 * @param tagSettle how long to wait for a freshly launched instance with no tags at all to get its
 *     launcher's tags
 * @param applied how long to wait for modified metadata options to reach {@code applied}; also the
 *     ENI detach wait when {@code eni.waits.detachSeconds} is not set ({@link EniWaits})
 * @param firstBackoff the first pause; each next one doubles, up to the remaining budget
 */
public record Waits(
    Duration notFound, Duration tagSettle, Duration applied, Duration firstBackoff) {
  public static final Waits DEFAULT =
      new Waits(
          Duration.ofSeconds(15),
          Duration.ofSeconds(10),
          Duration.ofSeconds(10),
          Duration.ofMillis(500));
}
