package io.github.eksnoderemediator.report;

import io.github.eksnoderemediator.config.ImdsConfig.ResolvedBand;
import io.github.eksnoderemediator.config.ImdsConfig.ResolvedMode;

/**
 * The policy a node got and why: its hop-limit band and the configuration entry it came from
 * ({@code default}, {@code cluster prod}, {@code nodePool prod/batch}, ...), and likewise its
 * IMDSv1 mode ({@code enforce} or {@code defer}).
 */
public record PolicyView(
    int hopLimitMin, int hopLimitMax, String from, String imdsV1Usage, String imdsV1UsageFrom) {
  public static PolicyView of(ResolvedBand band, ResolvedMode mode) {
    return new PolicyView(
        band.band().min(), band.band().max(), band.source(), mode.mode().label(), mode.source());
  }
}
