package io.github.eksnoderemediator.config;

import io.github.eksnoderemediator.json.StrictObject;
import java.time.Duration;
import java.util.Set;

/**
 * The launch-event intake: EventBridge puts launch events on an SQS queue per function, and
 * Lambda's event source mapping hands them to the function's {@code live} alias in batches. The CDK
 * app builds the mapping from these fields; the function paces its writes from them, so the two can
 * never disagree.
 *
 * @param batchSize the most messages one invocation receives (the mapping's {@code BatchSize})
 * @param batchWindow how long the mapping gathers messages before invoking with fewer than {@code
 *     batchSize} ({@code MaximumBatchingWindowInSeconds}): what a single launch pays in latency
 * @param maxConcurrency the most invocations the mapping runs at once ({@code
 *     ScalingConfig.MaximumConcurrency}, at least 2 as Lambda requires); the account's write budget
 *     is shared among them, dynamically (docs/architecture.md, "One write budget")
 * @param accountWritesPerSecond the account's refill rate for {@code ModifyInstanceMetadataOptions}
 *     (EC2's default 5 per second, or what a limit increase granted)
 * @param accountWriteBurst the account's bucket size for it (EC2's default 100)
 */
public record QueueConfig(
    int batchSize,
    Duration batchWindow,
    int maxConcurrency,
    double accountWritesPerSecond,
    int accountWriteBurst) {

  /** Defaults chosen with {@code ./dev bench} (docs/performance.md). */
  public static final QueueConfig DEFAULT = new QueueConfig(100, Duration.ofSeconds(1), 2, 5, 100);

  /** Lambda's SQS mapping: at most 10,000 messages per batch from a standard queue. */
  static final int MAX_BATCH_SIZE = 10_000;

  /** Lambda's limit for {@code MaximumBatchingWindowInSeconds}. */
  static final int MAX_WINDOW_SECONDS = 300;

  public QueueConfig {
    if (batchSize < 1
        || batchSize > MAX_BATCH_SIZE
        || batchWindow.isNegative()
        || batchWindow.toSeconds() > MAX_WINDOW_SECONDS
        || (batchSize > 10 && batchWindow.isZero())
        || maxConcurrency < 2
        || maxConcurrency > 1000
        || !(accountWritesPerSecond > 0)
        || accountWriteBurst < 1) {
      throw new IllegalArgumentException("queue settings out of range");
    }
  }

  /**
   * Writes of the account's bucket the function never spends, for the VPC CNI, Karpenter and
   * everyone else: one percent of the bucket, at least one write. Without it the function would
   * keep EC2's bucket at zero, and the slightest timing jitter would end in throttling, each
   * throttled retry taking a later write's token.
   */
  public double reserve() {
    return Math.max(1, accountWriteBurst / 100.0);
  }

  /** What all invocations together may spend at once: the account's bucket less the reserve. */
  public double usableBurst() {
    return Math.max(1, accountWriteBurst - reserve());
  }

  /**
   * What all invocations together may spend per second: the account's refill rate, less the same
   * share as the reserve takes of the bucket, so the reserve refills even while one invocation
   * writes at full rate.
   */
  public double usableWritesPerSecond() {
    return accountWritesPerSecond * usableBurst() / accountWriteBurst;
  }

  /**
   * The fair share of the account's refill rate when every one of the mapping's concurrent
   * invocations is writing at once: what each one's pacer falls back to under contention.
   */
  public double writesPerSecondShare() {
    return accountWritesPerSecond / maxConcurrency;
  }

  /** The fair share of the account's bucket when every invocation writes at once. */
  public double burstShare() {
    return Math.max(1, usableBurst() / maxConcurrency);
  }

  static QueueConfig parse(StrictObject queue) {
    queue.allowOnly(
        Set.of(
            "batchSize",
            "batchWindowSeconds",
            "maxConcurrency",
            "accountWritesPerSecond",
            "accountWriteBurst"));
    QueueConfig d = DEFAULT;
    int batchSize = queue.integer("batchSize", 1, MAX_BATCH_SIZE).orElse(d.batchSize());
    int window =
        queue
            .integer("batchWindowSeconds", 0, MAX_WINDOW_SECONDS)
            .orElse((int) d.batchWindow().toSeconds());
    if (batchSize > 10 && window == 0) {
      throw queue.fail(
          queue.child("batchWindowSeconds"),
          "must be at least 1 when batchSize is above 10 (Lambda's rule for SQS batches)");
    }
    int concurrency = queue.integer("maxConcurrency", 2, 1000).orElse(d.maxConcurrency());
    double perSecond =
        queue
            .node("accountWritesPerSecond")
            .map(
                v -> {
                  if (!v.isNumber() || v.doubleValue() < 0.1 || v.doubleValue() > 1000) {
                    throw queue.fail(
                        queue.child("accountWritesPerSecond"),
                        "must be a number from 0.1 to 1000 (EC2's default refill for"
                            + " ModifyInstanceMetadataOptions is 5 per second), got "
                            + StrictObject.describe(v));
                  }
                  return v.doubleValue();
                })
            .orElse(d.accountWritesPerSecond());
    int burst = queue.integer("accountWriteBurst", 1, 10_000).orElse(d.accountWriteBurst());
    return new QueueConfig(batchSize, Duration.ofSeconds(window), concurrency, perSecond, burst);
  }
}
