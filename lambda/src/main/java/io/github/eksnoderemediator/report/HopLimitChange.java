package io.github.eksnoderemediator.report;

import com.fasterxml.jackson.annotation.JsonValue;
import io.github.eksnoderemediator.config.ImdsConfig.ResolvedBand;
import java.util.Locale;

/**
 * A hop limit the policy moved, as the report and logs show it: which way, from what to what, and
 * the band and configuration entry that asked for it. Logs Insights can filter on it ({@code filter
 * result.hopLimitChange.direction = "raised"}).
 *
 * @param direction raised or lowered
 * @param from the hop limit found
 * @param to the hop limit set (in a dry run: that would be set)
 * @param bandMin the lower bound of the node's band
 * @param bandMax the upper bound of the node's band
 * @param bandFrom where the band came from: {@code default}, {@code cluster prod}, {@code nodePool
 *     prod/batch}, ...
 */
public record HopLimitChange(
    Direction direction, int from, int to, int bandMin, int bandMax, String bandFrom) {

  /** Which way a hop limit moved. */
  public enum Direction {
    /** Up to the band's {@code min}: only ever because a band's {@code min} says so. */
    RAISED,
    /** Down to the band's {@code max}. */
    LOWERED;

    @JsonValue
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The move from {@code from} to {@code to} under {@code band}, or null when it does not move. */
  public static HopLimitChange between(int from, int to, ResolvedBand band) {
    if (from == to) {
      return null;
    }
    return new HopLimitChange(
        to > from ? Direction.RAISED : Direction.LOWERED,
        from,
        to,
        band.band().min(),
        band.band().max(),
        band.source());
  }
}
