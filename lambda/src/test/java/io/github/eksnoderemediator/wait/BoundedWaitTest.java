package io.github.eksnoderemediator.wait;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.eksnoderemediator.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BoundedWaitTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-20T00:00:00Z"));

  @Test
  void until_returnsAtOnce_whenTheFirstAttemptIsDone() {
    AtomicInteger calls = new AtomicInteger();
    int r =
        clock
            .boundedWait()
            .until(
                calls::incrementAndGet, n -> true, Duration.ofSeconds(10), Duration.ofMillis(500));
    assertThat(r).isEqualTo(1);
    assertThat(clock.sleeps()).isEmpty();
  }

  @Test
  void until_backsOffExponentially_untilDone() {
    AtomicInteger calls = new AtomicInteger();
    int r =
        clock
            .boundedWait()
            .until(
                calls::incrementAndGet,
                n -> n == 4,
                Duration.ofSeconds(10),
                Duration.ofMillis(500));
    assertThat(r).isEqualTo(4);
    assertThat(clock.sleeps())
        .containsExactly(Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2));
  }

  @Test
  void until_neverWaitsPastTheBudget_andReturnsTheLastResult() {
    AtomicInteger calls = new AtomicInteger();
    int r =
        clock
            .boundedWait()
            .until(
                calls::incrementAndGet, n -> false, Duration.ofSeconds(4), Duration.ofMillis(500));
    assertThat(clock.sleeps())
        .containsExactly(
            Duration.ofMillis(500),
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            Duration.ofMillis(500));
    assertThat(clock.sleeps().stream().reduce(Duration.ZERO, Duration::plus))
        .isEqualTo(Duration.ofSeconds(4));
    assertThat(r).isEqualTo(5);
  }

  @Test
  void until_withAZeroBudget_triesExactlyOnce() {
    AtomicInteger calls = new AtomicInteger();
    clock
        .boundedWait()
        .until(calls::incrementAndGet, n -> false, Duration.ZERO, Duration.ofMillis(500));
    assertThat(calls).hasValue(1);
  }
}
