package io.github.eksnoderemediator.config;

import io.github.eksnoderemediator.json.StrictObject;
import java.time.Duration;
import java.util.Set;

/**
 * The scheduled IMDS sweep.
 *
 * @param rate how often it runs
 * @param writesPerSecond how many ModifyInstanceMetadataOptions calls per second it may make. EC2
 *     refills that API's bucket at 5 per second for the whole account and Region, shared with
 *     everything else; the default 2 leaves most of it to the event-driven path and other tools
 * @param burst how many writes it may make at once before the rate applies
 */
public record SweepConfig(Duration rate, double writesPerSecond, int burst) {
  public static final SweepConfig DEFAULT = new SweepConfig(Duration.ofMinutes(15), 2, 10);

  static SweepConfig parse(StrictObject sweep) {
    sweep.allowOnly(Set.of("rateMinutes", "writesPerSecond", "burst"));
    Duration rate =
        sweep
            .integer("rateMinutes", 1, 1440)
            .map(m -> Duration.ofMinutes(m))
            .orElse(DEFAULT.rate());
    double perSecond =
        sweep
            .node("writesPerSecond")
            .map(
                v -> {
                  if (!v.isNumber() || v.doubleValue() < 0.1 || v.doubleValue() > 5) {
                    throw sweep.fail(
                        sweep.child("writesPerSecond"),
                        "must be a number from 0.1 to 5 (EC2 refills ModifyInstanceMetadataOptions at 5 per second), got "
                            + StrictObject.describe(v));
                  }
                  return v.doubleValue();
                })
            .orElse(DEFAULT.writesPerSecond());
    int burst = sweep.integer("burst", 1, 100).orElse(DEFAULT.burst());
    return new SweepConfig(rate, perSecond, burst);
  }
}
