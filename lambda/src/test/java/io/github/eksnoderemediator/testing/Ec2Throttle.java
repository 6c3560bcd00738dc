package io.github.eksnoderemediator.testing;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * EC2's request throttling for one account and Region: a token bucket per API family, with the
 * sizes and refill rates in docs/aws-behaviour.md ("Throttling"). A request that finds its bucket
 * empty is answered {@code RequestLimitExceeded}, as EC2 does.
 */
public final class Ec2Throttle {
  /** No throttling. */
  public static final Ec2Throttle NONE = new Ec2Throttle(Map.of());

  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
  private final Map<String, long[]> figures;
  private final TimeMeter time;

  private Ec2Throttle(Map<String, long[]> figures) {
    this(figures, TimeMeter.SYSTEM_MILLISECONDS);
  }

  private Ec2Throttle(Map<String, long[]> figures, TimeMeter time) {
    this.figures = figures;
    this.time = time;
  }

  /** These buckets on a fake clock ({@code nanoTime} in nanoseconds), full at its first request. */
  public Ec2Throttle withClock(LongSupplier nanoTime) {
    return new Ec2Throttle(
        figures,
        new TimeMeter() {
          @Override
          public long currentTimeNanos() {
            return nanoTime.getAsLong();
          }

          @Override
          public boolean isWallClockBased() {
            return false;
          }
        });
  }

  /**
   * True when a request for a mutating {@code action} (e.g. {@code ModifyInstanceMetadataOptions})
   * may go through now; false when EC2 would answer {@code RequestLimitExceeded}.
   */
  public boolean admit(String action) {
    return admit(action, "");
  }

  /** The documented default buckets: {capacity, refill per second}. */
  public static Ec2Throttle awsDefaults() {
    return new Ec2Throttle(
        Map.of(
            "describe-filtered", new long[] {100, 20},
            "describe-unfiltered", new long[] {50, 10},
            "ModifyInstanceMetadataOptions", new long[] {100, 5},
            "CreateNetworkInterface", new long[] {100, 5},
            "DeleteNetworkInterface", new long[] {100, 5},
            "ModifyNetworkInterfaceAttribute", new long[] {100, 5},
            "mutating", new long[] {50, 5},
            "CreateTags", new long[] {100, 10}));
  }

  /**
   * These buckets with one of them replaced, e.g. a {@code ModifyInstanceMetadataOptions} bucket
   * that other tools in the account have mostly drained.
   */
  public Ec2Throttle withBucket(String family, long capacity, long refillPerSecond) {
    Map<String, long[]> changed = new java.util.HashMap<>(figures);
    changed.put(family, new long[] {capacity, refillPerSecond});
    return new Ec2Throttle(Map.copyOf(changed), time);
  }

  /** True when the request may go through; false when EC2 would throttle it. */
  boolean admit(String action, String body) {
    if (action == null || figures.isEmpty()) {
      return true;
    }
    String family = family(action, body);
    long[] f = figures.get(family);
    if (f == null) {
      return true;
    }
    Bucket bucket =
        buckets.computeIfAbsent(
            family,
            k ->
                Bucket.builder()
                    .withCustomTimePrecision(time)
                    .addLimit(
                        Bandwidth.builder()
                            .capacity(f[0])
                            .refillGreedy(f[1], Duration.ofSeconds(1))
                            .build())
                    .build());
    return bucket.tryConsume(1);
  }

  private String family(String action, String body) {
    if (figures.containsKey(action)) {
      return action;
    }
    if (action.startsWith("Describe") || action.startsWith("Get")) {
      // Filtered or paginated describes get the larger bucket.
      boolean narrowed =
          body.contains("Filter.") || body.contains("MaxResults") || body.contains("InstanceId.");
      return narrowed ? "describe-filtered" : "describe-unfiltered";
    }
    return "mutating";
  }
}
