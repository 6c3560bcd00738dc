package io.github.eksnoderemediator.config;

import java.time.Duration;

/**
 * How the IMDSv1-use check reads a node's {@code MetadataNoToken} metric before tokens are
 * required.
 *
 * @param lookback how far back to count IMDSv1 calls
 * @param minNodeAge nodes launched more recently are not checked: a new launch has no history, and
 *     is hardened at once. EC2 resets an instance's launch time when it is started again, so a node
 *     that was stopped and started counts as new
 */
public record ImdsV1Check(Duration lookback, Duration minNodeAge) {
  public static final ImdsV1Check DEFAULT =
      new ImdsV1Check(Duration.ofHours(24), Duration.ofMinutes(60));

  /** CloudWatch keeps EC2's 5-minute datapoints for 63 days and 1-hour ones for 455. */
  public static final int MAX_LOOKBACK_HOURS = 24 * 63;

  public ImdsV1Check {
    if (lookback.isNegative() || lookback.isZero() || minNodeAge.isNegative()) {
      throw new IllegalArgumentException("lookback must be positive and minNodeAge not negative");
    }
  }
}
