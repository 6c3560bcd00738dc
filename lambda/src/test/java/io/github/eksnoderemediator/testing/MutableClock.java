package io.github.eksnoderemediator.testing;

import io.github.eksnoderemediator.wait.BoundedWait;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** A clock that only moves when told to; its sleeper advances it instead of sleeping. */
public final class MutableClock extends Clock {
  private Instant now;
  private final List<Duration> sleeps = new ArrayList<>();

  public MutableClock(Instant start) {
    this.now = start;
  }

  public void advance(Duration d) {
    now = now.plus(d);
  }

  /** Every pause a {@link BoundedWait} built by {@link #boundedWait()} asked for. */
  public List<Duration> sleeps() {
    return sleeps;
  }

  public BoundedWait boundedWait() {
    return new BoundedWait(
        this,
        d -> {
          sleeps.add(d);
          advance(d);
        });
  }

  @Override
  public Instant instant() {
    return now;
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
