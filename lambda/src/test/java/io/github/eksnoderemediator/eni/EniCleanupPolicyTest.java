package io.github.eksnoderemediator.eni;

import static io.github.eksnoderemediator.eni.EniTestData.DATA;
import static io.github.eksnoderemediator.eni.EniTestData.DATA_A;
import static io.github.eksnoderemediator.eni.EniTestData.NODE;
import static io.github.eksnoderemediator.eni.EniTestData.NOW;
import static io.github.eksnoderemediator.eni.EniTestData.attachedAt;
import static io.github.eksnoderemediator.eni.EniTestData.node;
import static io.github.eksnoderemediator.eni.EniTestData.ours;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.eksnoderemediator.eni.CleanupPolicy.Cleanup;
import io.github.eksnoderemediator.port.EniView;
import io.github.eksnoderemediator.port.InstanceState;
import io.github.eksnoderemediator.port.NetworkInstance;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EniCleanupPolicyTest {
  private static final Duration GRACE = Duration.ofMinutes(10);
  private final EniView available = ours("eni-0aaaaaaaaaaaaaaa1", DATA, DATA_A);

  private static EniView untagged(EniView e) {
    Map<String, String> tags = new HashMap<>(e.tags());
    tags.remove(EniTags.PROFILE);
    return new EniView(
        e.id(),
        e.status(),
        e.subnet(),
        e.vpcId(),
        e.availabilityZone(),
        e.groups(),
        e.description(),
        e.sourceDestCheck(),
        tags,
        e.attachment());
  }

  private static Optional<NetworkInstance> in(InstanceState state) {
    return Optional.of(node(state, "m5.large"));
  }

  @Test
  void onTermination_neverTouchesAnInterfaceWithoutOurOwnershipTag() {
    assertThat(CleanupPolicy.onTermination(untagged(available), NODE, Optional.empty()))
        .isInstanceOf(Cleanup.Leave.class);
    assertThat(CleanupPolicy.inSweep(untagged(available), Optional.empty(), false, NOW, GRACE))
        .isInstanceOf(Cleanup.Leave.class);
  }

  @Test
  void onTermination_deletesAnAvailableInterface_andLeavesDeleteOnTerminationOnesToEc2() {
    assertThat(CleanupPolicy.onTermination(available, NODE, in(InstanceState.TERMINATED)))
        .isInstanceOf(Cleanup.Delete.class);
    assertThat(
            CleanupPolicy.onTermination(
                attachedAt(available, 0, 1, true), NODE, in(InstanceState.SHUTTING_DOWN)))
        .isInstanceOf(Cleanup.Leave.class);
  }

  @Test
  void
      onTermination_detachesNormallyWhileShuttingDown_andForcesOnlyWhenTheInstanceIsTerminatedOrGone() {
    EniView attached = attachedAt(available, 0, 2, false);

    Cleanup shuttingDown =
        CleanupPolicy.onTermination(attached, NODE, in(InstanceState.SHUTTING_DOWN));
    Cleanup terminated = CleanupPolicy.onTermination(attached, NODE, in(InstanceState.TERMINATED));
    Cleanup gone = CleanupPolicy.onTermination(attached, NODE, Optional.empty());

    assertThat(((Cleanup.DetachAndDelete) shuttingDown).force()).isFalse();
    assertThat(((Cleanup.DetachAndDelete) terminated).force()).isTrue();
    assertThat(((Cleanup.DetachAndDelete) gone).force()).isTrue();
    assertThat(gone.why()).contains("a normal detach cannot work, so it is forced");
    assertThat(CleanupPolicy.onTermination(attached, NODE, in(InstanceState.RUNNING)))
        .isInstanceOf(Cleanup.Leave.class);
  }

  @Test
  void inSweep_deletesOnlyOldAvailableInterfacesWhoseInstanceIsGoneOrNoLongerMatches() {
    var later = NOW.plus(Duration.ofHours(1));

    assertThat(CleanupPolicy.inSweep(available, Optional.empty(), false, later, GRACE))
        .isInstanceOf(Cleanup.Delete.class);
    assertThat(CleanupPolicy.inSweep(available, Optional.empty(), false, NOW, GRACE))
        .as("younger than the grace period")
        .isInstanceOf(Cleanup.Leave.class);
    assertThat(CleanupPolicy.inSweep(available, in(InstanceState.RUNNING), true, later, GRACE))
        .as("its instance still matches: the reconcile attaches it")
        .isInstanceOf(Cleanup.Leave.class);
    assertThat(CleanupPolicy.inSweep(available, in(InstanceState.RUNNING), false, later, GRACE))
        .isInstanceOf(Cleanup.Delete.class);
    assertThat(CleanupPolicy.inSweep(available, in(InstanceState.TERMINATED), true, later, GRACE))
        .isInstanceOf(Cleanup.Delete.class);
    assertThat(
            CleanupPolicy.inSweep(
                attachedAt(available, 0, 1, true), in(InstanceState.RUNNING), false, later, GRACE))
        .as("attached to a live instance")
        .isInstanceOf(Cleanup.Leave.class);
    assertThat(
            CleanupPolicy.inSweep(
                attachedAt(available, 0, 1, false),
                in(InstanceState.TERMINATED),
                false,
                later,
                GRACE))
        .isInstanceOf(Cleanup.DetachAndDelete.class);
  }
}
