package io.github.eksnoderemediator.report;

import io.github.eksnoderemediator.config.ImdsConfig.ResolvedBand;

/**
 * The policy a node got and why: its hop-limit band and the configuration entry it came from
 * ({@code default}, {@code cluster prod}, {@code nodePool prod/batch}, ...).
 */
public record PolicyView(int hopLimitMin, int hopLimitMax, String from) {
  public static PolicyView of(ResolvedBand band) {
    return new PolicyView(band.band().min(), band.band().max(), band.source());
  }
}
