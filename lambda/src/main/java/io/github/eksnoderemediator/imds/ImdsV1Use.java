package io.github.eksnoderemediator.imds;

import java.time.Duration;

/** What the IMDSv1-use check found for one node before its tokens are required. */
public sealed interface ImdsV1Use {

  /** Not read: the node needs no check (tokens already required, launched moments ago, ...). */
  record NotChecked(String why) implements ImdsV1Use {}

  /**
   * Read from {@code MetadataNoToken}.
   *
   * @param calls IMDSv1 calls in the window (0 when there were no datapoints)
   * @param datapoints false when CloudWatch had no datapoint for the node in the window
   * @param lookback the window
   */
  record Calls(long calls, boolean datapoints, Duration lookback) implements ImdsV1Use {
    /** For the report: {@code 12 IMDSv1 calls in the last 24 h}. */
    public String describe() {
      return datapoints
          ? calls + " IMDSv1 call" + (calls == 1 ? "" : "s") + " in the last " + hours(lookback)
          : "no MetadataNoToken datapoints in the last " + hours(lookback);
    }
  }

  /** The read failed: nobody can say whether something still uses IMDSv1. */
  record Unknown(String why, Duration lookback) implements ImdsV1Use {}

  /** True when this finding should hold back requiring tokens under {@code defer}. */
  default boolean holdsBackTokens() {
    return switch (this) {
      case Calls c -> c.calls() > 0;
      case Unknown u -> true;
      case NotChecked n -> false;
    };
  }

  /** {@code 24 h}, or minutes when the window is not whole hours. */
  static String hours(Duration d) {
    return d.toMinutes() % 60 == 0 ? d.toHours() + " h" : d.toMinutes() + " min";
  }
}
