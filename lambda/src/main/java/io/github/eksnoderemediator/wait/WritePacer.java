package io.github.eksnoderemediator.wait;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.eksnoderemediator.config.SweepConfig;
import java.time.Duration;

/**
 * Paces writes with a token bucket, the model EC2 throttles with, so a sweep over thousands of
 * nodes stays inside the account's shared API buckets instead of causing a throttling storm for the
 * VPC CNI and Karpenter.
 */
public interface WritePacer {
  /** Event-driven remediation: one instance at a time, no pacing beyond the SDK's retries. */
  WritePacer UNPACED = maxWait -> true;

  /**
   * Waits for permission to make one write.
   *
   * @param maxWait how long the caller can afford to wait
   * @return false when no permission came within {@code maxWait}: the caller stops writing
   */
  boolean acquire(Duration maxWait) throws InterruptedException;

  /**
   * EC2 answered {@code RequestLimitExceeded} to a write this pacer allowed: its bucket is empty
   * now. A pacer that adapts to the account ({@link AdaptiveWritePacer}) learns from it; a fixed
   * one ignores it.
   */
  default void throttled() {}

  /** A pacer that allows {@code burst} writes at once, then {@code writesPerSecond}. */
  static WritePacer of(SweepConfig sweep) {
    return of(sweep.writesPerSecond(), sweep.burst());
  }

  /**
   * A pacer that allows {@code burst} writes at once, then {@code writesPerSecond}. Both may be
   * fractions (a worker's share of the account's bucket): the bucket counts thousandths of a write.
   */
  static WritePacer of(double writesPerSecond, double burst) {
    long capacity = Math.max(MILLI, Math.round(burst * MILLI));
    Bucket bucket =
        Bucket.builder()
            .addLimit(
                Bandwidth.builder()
                    .capacity(capacity)
                    .refillGreedy(
                        Math.max(1, Math.round(writesPerSecond * MILLI)), Duration.ofSeconds(1))
                    .build())
            .build();
    return maxWait ->
        (maxWait.isZero() || maxWait.isNegative())
            ? bucket.tryConsume(MILLI)
            : bucket.asBlocking().tryConsume(MILLI, maxWait);
  }

  /** One write, in the bucket's units. */
  long MILLI = 1000;
}
