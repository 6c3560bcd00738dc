package io.github.eksnoderemediator.bench;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The fleet bench's clock: real elapsed time (the sweep's own work: parsing, deciding, the HTTP
 * round trips) plus simulated time that EC2's latency, the pacer's waits and the confirmations'
 * backoff add instead of sleeping. The sweep's deadline is measured on it, so a 15-minute sweep
 * takes the time the code really needs.
 */
final class FleetClock extends Clock {
  private final Instant start;
  private final long startNanos = System.nanoTime();
  private final AtomicLong skipped = new AtomicLong();

  FleetClock(Instant start) {
    this.start = start;
  }

  /** Moves the clock on by {@code d} without waiting. */
  void skip(Duration d) {
    if (!d.isNegative()) {
      skipped.addAndGet(d.toNanos());
    }
  }

  /** Nanoseconds since this clock started. */
  long nanos() {
    return System.nanoTime() - startNanos + skipped.get();
  }

  /** Simulated nanoseconds so far: what sleeping would have cost. */
  long skippedNanos() {
    return skipped.get();
  }

  @Override
  public Instant instant() {
    return start.plusNanos(nanos());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
