package io.github.eksnoderemediator.config;

/**
 * The PUT-response hop limits a node may have, inclusive. A limit below {@code min} is raised to
 * it, one above {@code max} is lowered to it, one inside is left alone.
 */
public record HopLimitBand(int min, int max) {
  public static final int LOWEST = 1;
  public static final int HIGHEST = 64;

  /** Exactly 2: pods that read IMDS (EBS CSI, load balancer controller) keep working. */
  public static final HopLimitBand DEFAULT = new HopLimitBand(2, 2);

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
   * that would cross a given one moves to it, so {@code {max: 1}} over {@code [2, 2]} is {@code [1,
   * 1]}.
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
