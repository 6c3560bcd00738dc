package io.github.eksnoderemediator.config;

/**
 * The PUT-response hop limits a node may have, inclusive. A limit below {@code min} is raised to
 * it, one above {@code max} is lowered to it, one inside is left alone.
 */
public record HopLimitBand(int min, int max) {
  public static final int LOWEST = 1;
  public static final int HIGHEST = 64;

  /**
   * At most 2: a node above 2 is lowered to 2, a node at 1 stays at 1. The default never raises a
   * hop limit: launchers that choose 1 (Karpenter v1, AL2023 managed node groups, EKS Auto Mode)
   * chose it so that pods cannot reach the node's credentials, and AWS Config's {@code
   * ec2-token-hop-limit-check} reads the limit as a maximum. A pool whose pods read IMDS gets a
   * {@code min} of its own ({@code {"min": 2}}).
   */
  public static final HopLimitBand DEFAULT = new HopLimitBand(1, 2);

  public HopLimitBand {
    if (min < LOWEST || max > HIGHEST || min > max) {
      throw new IllegalArgumentException(
          "hop limit band must satisfy 1 <= min <= max <= 64, got [" + min + ", " + max + "]");
    }
  }

  /** The limit a node with {@code current} should have under this band. */
  public int clamp(int current) {
    return Math.max(min, Math.min(max, current));
  }

  public boolean contains(int limit) {
    return limit >= min && limit <= max;
  }

  /**
   * This band with the bounds an override gives. A bound not given is inherited; an inherited bound
   * that would cross a given one moves to it, so {@code {min: 3}} over {@code [1, 2]} is {@code [3,
   * 3]}.
   */
  public HopLimitBand narrowedBy(Integer givenMin, Integer givenMax) {
    int newMin = givenMin != null ? givenMin : min;
    int newMax = givenMax != null ? givenMax : max;
    if (givenMin == null && newMin > newMax) {
      newMin = newMax;
    }
    if (givenMax == null && newMax < newMin) {
      newMax = newMin;
    }
    return new HopLimitBand(newMin, newMax);
  }

  /** The smallest band containing both. */
  public HopLimitBand span(HopLimitBand other) {
    return new HopLimitBand(Math.min(min, other.min), Math.max(max, other.max));
  }

  @Override
  public String toString() {
    return min == max ? String.valueOf(min) : "[" + min + ", " + max + "]";
  }
}
