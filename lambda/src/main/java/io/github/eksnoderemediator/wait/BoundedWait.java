package io.github.eksnoderemediator.wait;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The one place that waits for what the SDK's retry strategy cannot know about: EC2's eventual
 * consistency right after a launch, tags that lag a launch, metadata options on their way to {@code
 * applied}. Exponential backoff inside a fixed budget; never unbounded.
 */
public final class BoundedWait {
  private final Clock clock;
  private final Sleeper sleeper;

  public BoundedWait(Clock clock, Sleeper sleeper) {
    this.clock = clock;
    this.sleeper = sleeper;
  }

  /** Waits for real. */
  public static BoundedWait system() {
    return new BoundedWait(Clock.systemUTC(), d -> Thread.sleep(d.toMillis()));
  }

  /**
   * Calls {@code attempt} until {@code done} accepts its result or {@code budget} is spent, pausing
   * {@code firstPause}, then twice as long each time, never past the budget.
   *
   * @return the last result, accepted or not: the caller decides what an unaccepted one means
   */
  public <T> T until(Supplier<T> attempt, Predicate<T> done, Duration budget, Duration firstPause) {
    return continueUntil(attempt.get(), attempt, done, budget, firstPause);
  }

  /**
   * Like {@link #until}, for a caller that already holds a first result: when {@code done} rejects
   * it, the wait starts with a pause instead of an immediate, wasted call.
   */
  public <T> T continueUntil(
      T first, Supplier<T> attempt, Predicate<T> done, Duration budget, Duration firstPause) {
    Instant deadline = clock.instant().plus(budget);
    Duration pause = firstPause;
    T result = first;
    while (!done.test(result)) {
      Duration left = Duration.between(clock.instant(), deadline);
      if (left.isNegative() || left.isZero()) {
        return result;
      }
      Duration step = pause.compareTo(left) < 0 ? pause : left;
      try {
        sleeper.sleep(step);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return result;
      }
      pause = pause.multipliedBy(2);
      result = attempt.get();
    }
    return result;
  }

  /** Pauses the calling thread; tests pass one that advances a fake clock. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }
}
