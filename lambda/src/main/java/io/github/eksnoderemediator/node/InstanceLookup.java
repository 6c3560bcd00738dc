package io.github.eksnoderemediator.node;

import io.github.eksnoderemediator.config.Waits;
import io.github.eksnoderemediator.port.Ec2CallException;
import io.github.eksnoderemediator.port.InstanceFacts;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.wait.BoundedWait;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * Describing an instance right after its launch, the same way in both functions: EC2 is eventually
 * consistent (a new instance may be {@code InvalidInstanceID.NotFound} for a few seconds), and Auto
 * Scaling's tag propagation can lag the launch, so a young instance with no tags at all is
 * described again before anyone judges it "not an EKS node". Both waits are bounded by {@link
 * Waits}.
 *
 * @param <T> the function's view of an instance
 */
public final class InstanceLookup<T extends InstanceFacts> {
  /** An untagged instance younger than this may still be waiting for its launcher's tags. */
  public static final Duration YOUNG = Duration.ofMinutes(5);

  private final Function<InstanceId, Optional<T>> describe;
  private final Waits waits;
  private final BoundedWait wait;
  private final Clock clock;

  /**
   * @param describe one DescribeInstances call for one instance, empty when EC2 does not show it
   */
  public InstanceLookup(
      Function<InstanceId, Optional<T>> describe, Waits waits, BoundedWait wait, Clock clock) {
    this.describe = describe;
    this.waits = waits;
    this.wait = wait;
    this.clock = clock;
  }

  /**
   * Describes the instance, again and again within {@code waits.notFound} while EC2 does not show
   * it.
   *
   * @return the instance, or empty when EC2 still does not show it ({@link #notShown()} says so)
   * @throws Ec2CallException when a call fails for another reason
   */
  public Optional<T> find(InstanceId id) {
    return wait.until(
        () -> describe.apply(id), Optional::isPresent, waits.notFound(), waits.firstBackoff());
  }

  /** The report sentence for an instance {@link #find} did not find. */
  public String notShown() {
    return "EC2 does not show the instance after "
        + waits.notFound().toSeconds()
        + " s (InvalidInstanceID.NotFound); right after a launch EC2 is eventually consistent";
  }

  /**
   * The instance once its launcher's tags are there: a young instance with no tags at all, not
   * going away, is described again within {@code waits.tagSettle}; any other is returned as is.
   *
   * @throws Ec2CallException when a call fails
   */
  public T awaitLauncherTags(T instance) {
    if (!instance.tags().isEmpty() || instance.state().isGoingAway() || !isYoung(instance)) {
      return instance;
    }
    return wait.continueUntil(
            Optional.of(instance),
            () -> describe.apply(instance.id()),
            v -> v.isEmpty() || !v.get().tags().isEmpty(),
            waits.tagSettle(),
            waits.firstBackoff())
        .orElse(instance);
  }

  /** Launched less than {@link #YOUNG} ago; false when EC2 did not say when. */
  public boolean isYoung(InstanceFacts instance) {
    return instance.launchTime() != null
        && instance.launchTime().isAfter(clock.instant().minus(YOUNG));
  }
}
