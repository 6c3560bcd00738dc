package io.github.eksnoderemediator.config;

import java.util.Locale;

/**
 * What to do with a node whose tokens are still optional when its {@code MetadataNoToken} metric
 * shows IMDSv1 calls in the lookback window: something on it still uses IMDSv1, and requiring
 * tokens makes those calls fail with 401.
 */
public enum ImdsV1Mode {
  /** Require tokens anyway, and report and log how many IMDSv1 calls the node had. */
  ENFORCE,
  /**
   * Leave the node's metadata options as they are (tokens and hop limit), report what would change
   * and how many IMDSv1 calls it had, and count it in {@code NodesDeferred}.
   */
  DEFER;

  /** The configuration's spelling: {@code enforce}, {@code defer}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
