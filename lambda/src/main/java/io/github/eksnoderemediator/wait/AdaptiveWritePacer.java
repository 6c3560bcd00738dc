package io.github.eksnoderemediator.wait;

import io.github.eksnoderemediator.config.QueueConfig;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * One execution environment's pacer for the launch queue's writes, sharing the account's {@code
 * ModifyInstanceMetadataOptions} budget with the mapping's other concurrent environments without a
 * store they both reach: EC2's own throttling is the shared signal (docs/architecture.md, "One
 * write budget, shared through throttling").
 *
 * <p>The pacer holds this environment's estimate of what EC2's bucket still lets it spend: at most
 * the account's bucket less the reserve, refilled at a rate between the account's full rate less
 * the reserve's share (the ceiling) and one percent of that (the floor).
 *
 * <ul>
 *   <li>A fresh environment starts with the whole usable bucket at the full rate: alone, a burst of
 *       up to a bucketful goes out at once. Its writes go one at a time, so if EC2's bucket is in
 *       fact empty (another environment is busy), the first write is answered {@code
 *       RequestLimitExceeded} and the estimate drops to zero: one throttled probe, never a burst
 *       into an empty bucket.
 *   <li>A throttled answer while spending the estimate's stock means EC2's bucket held less than
 *       estimated: the stock goes, the rate stays.
 *   <li>A throttled answer while writing at the pacer's own rate means the environments together
 *       write faster than EC2 refills: the rate halves, down to the floor; once per {@link
 *       #SAME_EVENT}, since writes already in flight meet the same empty bucket.
 *   <li>A rate that holds for {@link #QUIET} without a throttled answer doubles, up to the ceiling:
 *       an environment left alone (the other idle or gone) is back at the full rate within a few
 *       seconds. While every environment is busy, each one's doubling costs about one throttled
 *       answer per {@link #QUIET}, which consumes no token of EC2's bucket.
 * </ul>
 */
public final class AdaptiveWritePacer implements WritePacer {
  /** How long a rate must hold without a throttled answer before it doubles. */
  public static final Duration QUIET = Duration.ofSeconds(3);

  /**
   * Throttled answers this close to a halving are the same event (writes that were already in
   * flight when EC2's bucket ran out): they empty the estimate again but halve nothing.
   */
  public static final Duration SAME_EVENT = Duration.ofMillis(500);

  /** The lowest rate, as a fraction of the full rate: one percent. */
  static final double FLOOR_DIVISOR = 100;

  /** Waits: {@link Thread#sleep(Duration)} in production, a fake clock's advance in tests. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  private final double capacity;
  private final double ceiling;
  private final double floor;
  private final LongSupplier nanoTime;
  private final Sleeper sleeper;

  private double tokens;
  private double rate;
  private long refilledAt;
  private long steadySince;
  private long halvedAt = Long.MIN_VALUE;
  private long throttledAnswers;

  /** A pacer on the system clock. */
  public static AdaptiveWritePacer of(QueueConfig queue) {
    return new AdaptiveWritePacer(queue, System::nanoTime, Thread::sleep);
  }

  /**
   * @param nanoTime the clock, in nanoseconds ({@link System#nanoTime()} in production)
   * @param sleeper how the pacer waits; a fake one advances the fake clock
   */
  public AdaptiveWritePacer(QueueConfig queue, LongSupplier nanoTime, Sleeper sleeper) {
    this.capacity = queue.usableBurst();
    this.ceiling = queue.usableWritesPerSecond();
    // Far below the fair share: writers outside the mapping (Karpenter, the VPC CNI, a sweep) or an
    // account rate configured higher than EC2's can keep the bucket empty, and the pacer must then
    // slow down to what EC2 actually refills, not to what the configuration says.
    this.floor = ceiling / FLOOR_DIVISOR;
    this.nanoTime = nanoTime;
    this.sleeper = sleeper;
    this.tokens = capacity;
    this.rate = ceiling;
    this.refilledAt = nanoTime.getAsLong();
    this.steadySince = refilledAt;
  }

  @Override
  public boolean acquire(Duration maxWait) throws InterruptedException {
    long start = nanoTime.getAsLong();
    while (true) {
      Duration wait = tryTake();
      if (wait.isZero()) {
        return true;
      }
      if (Duration.ofNanos(nanoTime.getAsLong() - start).plus(wait).compareTo(maxWait) > 0) {
        return false;
      }
      sleeper.sleep(wait);
    }
  }

  /**
   * Takes one write when the estimate allows it now.
   *
   * @return zero when taken; otherwise how long until one would be allowed at the current rate
   */
  public synchronized Duration tryTake() {
    advance(nanoTime.getAsLong());
    if (tokens >= 1) {
      tokens -= 1;
      return Duration.ZERO;
    }
    return Duration.ofNanos((long) Math.ceil((1 - tokens) / rate * 1e9));
  }

  @Override
  public synchronized void throttled() {
    long now = nanoTime.getAsLong();
    advance(now);
    throttledAnswers++;
    boolean sameEvent = halvedAt != Long.MIN_VALUE && now - halvedAt < SAME_EVENT.toNanos();
    if (tokens < 1 && !sameEvent) {
      rate = Math.max(floor, rate / 2);
      halvedAt = now;
    }
    tokens = 0;
    steadySince = now;
  }

  /** The rate this environment writes at now, per second. */
  public synchronized double rate() {
    advance(nanoTime.getAsLong());
    return rate;
  }

  /** How many of this pacer's writes EC2 answered {@code RequestLimitExceeded}. */
  public synchronized long throttledAnswers() {
    return throttledAnswers;
  }

  private void advance(long now) {
    long quiet = QUIET.toNanos();
    while (rate < ceiling && now - steadySince >= quiet) {
      long doubledAt = steadySince + quiet;
      refill(doubledAt);
      rate = Math.min(ceiling, rate * 2);
      steadySince = doubledAt;
    }
    refill(now);
  }

  private void refill(long now) {
    if (now > refilledAt) {
      tokens = Math.min(capacity, tokens + rate * (now - refilledAt) / 1e9);
      refilledAt = now;
    }
  }
}
