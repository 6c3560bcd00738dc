package io.github.eksnoderemediator.wait;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.eksnoderemediator.config.QueueConfig;
import io.github.eksnoderemediator.testing.Ec2Throttle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The launch queue's pacer on a fake clock, against a fake EC2 bucket ({@link Ec2Throttle}, 100
 * writes at once then 5 per second, as documented): execution environments that share the account's
 * budget through throttled answers alone.
 */
class AdaptiveWritePacerTest {
  private static final QueueConfig QUEUE = QueueConfig.DEFAULT;
  private static final String MODIFY = "ModifyInstanceMetadataOptions";

  /** What one write takes from request to answer. */
  private static final long ROUND_TRIP = Duration.ofMillis(20).toNanos();

  private long now;

  @Test
  void alone_spendsTheUsableBucketAtOnce_thenWritesAtTheFullRate() throws Exception {
    AdaptiveWritePacer pacer = pacer();

    for (int i = 0; i < 99; i++) {
      assertThat(pacer.acquire(Duration.ZERO)).as("write %d of the bucket", i + 1).isTrue();
    }
    // The reserve (one write) is never handed out; the next comes at 4.95 per second.
    assertThat(pacer.acquire(Duration.ZERO)).isFalse();
    assertThat(pacer.tryTake()).isEqualTo(Duration.ofNanos(202_020_203));
    assertThat(pacer.rate()).isEqualTo(4.95);
  }

  @Test
  void throttledWhileSpendingItsStock_dropsTheStock_butKeepsTheRate() {
    AdaptiveWritePacer pacer = pacer();
    pacer.tryTake();

    pacer.throttled();

    assertThat(pacer.rate()).isEqualTo(4.95);
    assertThat(pacer.tryTake()).isPositive();
  }

  @Test
  void throttledAtItsOwnPace_halvesTheRate_downToTheFloor() {
    AdaptiveWritePacer pacer = pacer();
    pacer.throttled(); // the stock is gone: from here on it writes at its rate

    pacer.throttled();
    assertThat(pacer.rate()).isEqualTo(2.475);
    advance(AdaptiveWritePacer.SAME_EVENT);
    pacedWrite(pacer);
    pacer.throttled();
    assertThat(pacer.rate()).isEqualTo(1.2375);
    // Someone else keeps the bucket empty: every attempt it makes at its rate is refused.
    for (int i = 0; i < 10; i++) {
      advance(AdaptiveWritePacer.SAME_EVENT);
      pacer.throttled();
    }
    // One percent of the full rate, and no lower: what EC2 refills when others keep it empty is
    // found within a few halvings, and the way back up is bounded.
    assertThat(pacer.rate()).isEqualTo(0.0495);
  }

  @Test
  void throttledAnswersOfWritesAlreadyInFlight_halveTheRateOnce() {
    AdaptiveWritePacer pacer = pacer();
    pacer.throttled();

    for (int i = 0; i < 9; i++) {
      advance(Duration.ofMillis(20));
      pacer.throttled();
    }

    assertThat(pacer.rate()).isEqualTo(2.475);
    assertThat(pacer.throttledAnswers()).isEqualTo(10);
  }

  @Test
  void aRateThatHoldsWithoutThrottling_doubles_onceEveryQuietPeriod() {
    AdaptiveWritePacer pacer = pacer();
    pacer.throttled();
    pacer.throttled();
    advance(AdaptiveWritePacer.SAME_EVENT);
    pacedWrite(pacer);
    pacer.throttled();
    assertThat(pacer.rate()).isEqualTo(1.2375);

    advance(AdaptiveWritePacer.QUIET.minusMillis(1));
    assertThat(pacer.rate()).isEqualTo(1.2375);
    advance(Duration.ofMillis(1));
    assertThat(pacer.rate()).isEqualTo(2.475);
    advance(AdaptiveWritePacer.QUIET);
    assertThat(pacer.rate()).isEqualTo(4.95);
    advance(AdaptiveWritePacer.QUIET.multipliedBy(10));
    assertThat(pacer.rate()).isEqualTo(4.95);
  }

  @Test
  void acquire_waitsOnTheSleeper_andRefusesWhatItCannotAllowInTime() throws Exception {
    List<Duration> slept = new ArrayList<>();
    AdaptiveWritePacer pacer =
        new AdaptiveWritePacer(
            QUEUE,
            () -> now,
            d -> {
              slept.add(d);
              advance(d);
            });
    pacer.throttled();

    assertThat(pacer.acquire(Duration.ofMillis(100))).isFalse();
    assertThat(slept).isEmpty();
    assertThat(pacer.acquire(Duration.ofSeconds(1))).isTrue();
    assertThat(slept).hasSize(1);
    assertThat(now).isEqualTo(202_020_203);
  }

  @Test
  void oneEnvironmentBusy_theOtherIdle_theBusyOneWritesAtTheWholeAccountsPace() {
    // 300 launches in one environment's batches, the other has nothing: the bound is (300-100)/5.
    Simulation sim = new Simulation();
    Env busy = sim.env(300, 0);
    sim.env(0, 0);

    sim.run();

    assertThat(seconds(busy.finishedAt)).isBetween(40.0, 42.0);
    assertThat(sim.throttled).isZero();
  }

  @Test
  void twoEnvironmentsBusy_togetherKeepEc2sPace_atAFewThrottledAnswers() {
    Simulation sim = new Simulation();
    Env a = sim.env(500, 0);
    Env b = sim.env(500, 0);

    sim.run();

    // The bound for 1,000 writes is (1000-100)/5 = 180 s.
    double last = seconds(Math.max(a.finishedAt, b.finishedAt));
    assertThat(last).isBetween(180.0, 189.0);
    // Neither starves the other: the first done is done at most a sixth of the burst earlier.
    assertThat(Math.abs(seconds(a.finishedAt) - seconds(b.finishedAt))).isLessThan(30.0);
    // About one throttled answer per environment and quiet period: a tenth of the writes at most.
    assertThat(sim.throttled).isBetween(1, 100);
  }

  @Test
  void theOtherEnvironmentFinishes_theRemainingOneIsBackAtTheFullRate() {
    // 300 launches as the mapping deals them: 100 and 100 at once, the last 100 to whoever is
    // free first, here the first environment again.
    Simulation sim = new Simulation();
    Env a = sim.env(200, 0);
    Env b = sim.env(100, 0);

    sim.run();

    assertThat(b.finishedAt).isLessThan(a.finishedAt);
    // Bound 40 s; at half rate after b finished it would take about 60 s.
    assertThat(seconds(a.finishedAt)).isBetween(40.0, 44.0);
  }

  @Test
  void aBatchOfTwentyBesideOneOfAHundred_bothAtTheBound() {
    // 120 launches: one environment gets 100, the other 20 after its batching window.
    Simulation sim = new Simulation();
    Env a = sim.env(100, 0);
    Env b = sim.env(20, Duration.ofSeconds(1).toNanos());

    sim.run();

    double last = seconds(Math.max(a.finishedAt, b.finishedAt));
    assertThat(last).isBetween(4.0, 4.4);
  }

  @Test
  void aFreshEnvironment_afterSomeoneEmptiedTheBucket_probesOnce_thenPaces() {
    Simulation sim = new Simulation();
    for (int i = 0; i < 100; i++) {
      assertThat(sim.ec2.admit(MODIFY)).isTrue(); // Karpenter, say, or an environment now gone
    }
    Env fresh = sim.env(20, 0);

    sim.run();

    assertThat(sim.throttled).isEqualTo(1);
    assertThat(fresh.throttled).isEqualTo(1);
    // 20 writes at EC2's refill of 5 per second.
    assertThat(seconds(fresh.finishedAt)).isBetween(4.0, 4.5);
  }

  @Test
  void aFreshEnvironment_besideABusyOne_doesNotBurstIntoTheEmptyBucket() {
    Simulation sim = new Simulation();
    Env busy = sim.env(400, 0);
    Env replaced = sim.env(50, Duration.ofSeconds(30).toNanos());

    sim.run();

    // One probe finds the bucket empty; then at most a throttled answer per quiet period.
    int seconds = (int) ((replaced.finishedAt - replaced.startAt) / 1_000_000_000L);
    assertThat(replaced.throttled).isLessThanOrEqualTo(2 + seconds / 3);
    // Whatever EC2's bucket held (the reserve, what the busy one left), then one throttled answer.
    assertThat(replaced.throttledInFirstSecond).isEqualTo(1);
    assertThat(seconds(Math.max(busy.finishedAt, replaced.finishedAt))).isBetween(70.0, 74.0);
  }

  /** Waits for the pacer's next write at its rate and takes it, as a writer at its pace does. */
  private void pacedWrite(AdaptiveWritePacer pacer) {
    Duration wait = pacer.tryTake();
    if (!wait.isZero()) {
      advance(wait);
      assertThat(pacer.tryTake()).isZero();
    }
  }

  private AdaptiveWritePacer pacer() {
    return new AdaptiveWritePacer(QUEUE, () -> now, this::advance);
  }

  private void advance(Duration d) {
    now += d.toNanos();
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  /** One execution environment: its pacer and the writes its batches hold. */
  private final class Env {
    final AdaptiveWritePacer pacer = pacer();
    final long startAt;
    int left;
    long readyAt;
    boolean answerIsThrottled;
    long finishedAt;
    int throttled;
    int throttledInFirstSecond;

    Env(int writes, long startAt) {
      this.left = writes;
      this.startAt = startAt;
      this.readyAt = startAt;
    }
  }

  /**
   * Environments writing one at a time, each answer a round trip later, against EC2's bucket on the
   * same fake clock; events in time order.
   */
  private final class Simulation {
    final Ec2Throttle ec2 = Ec2Throttle.awsDefaults().withClock(() -> now);
    final List<Env> envs = new ArrayList<>();
    int throttled;

    Env env(int writes, long startAt) {
      Env e = new Env(writes, startAt);
      envs.add(e);
      return e;
    }

    void run() {
      while (true) {
        Env e =
            envs.stream()
                .filter(x -> x.left > 0)
                .min(Comparator.comparingLong(x -> x.readyAt))
                .orElse(null);
        if (e == null) {
          return;
        }
        now = Math.max(now, e.readyAt);
        if (e.answerIsThrottled) {
          e.answerIsThrottled = false;
          e.pacer.throttled();
        }
        Duration wait = e.pacer.tryTake();
        if (!wait.isZero()) {
          e.readyAt = now + wait.toNanos();
          continue;
        }
        if (ec2.admit(MODIFY)) {
          e.left--;
          if (e.left == 0) {
            e.finishedAt = now + ROUND_TRIP;
          }
        } else {
          throttled++;
          e.throttled++;
          if (now - e.startAt < 1_000_000_000L) {
            e.throttledInFirstSecond++;
          }
          e.answerIsThrottled = true;
        }
        e.readyAt = now + ROUND_TRIP;
      }
    }
  }
}
