package io.github.eksnoderemediator.eni;

import static io.github.eksnoderemediator.eni.EniHarness.scheduled;
import static io.github.eksnoderemediator.eni.EniHarness.stateChange;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.eksnoderemediator.port.EniId;
import io.github.eksnoderemediator.port.EniView;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.port.InstanceState;
import io.github.eksnoderemediator.testing.FakeNetworkEc2;
import io.github.eksnoderemediator.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The scheduled sweep against the strict EC2 fake. */
class EniSweepFakeTest {
  private static final Instant START = Instant.parse("2026-11-20T14:05:00Z");
  private final EniHarness h = new EniHarness();
  private final MutableClock clock = new MutableClock(START);
  private final EniService service = h.service(clock, clock.boundedWait());

  private EniId orphan(String instance, String profile, Instant createdAt) {
    Map<String, String> tags = new HashMap<>();
    tags.put(EniTags.PROFILE, profile);
    tags.put(EniTags.INSTANCE, instance);
    tags.put(EniTags.CLUSTER, "prod");
    tags.put(EniTags.CREATED_AT, createdAt.toString());
    return h.ec2.addInterface(h.dataA, tags, Optional.empty(), 0, 0, false);
  }

  @Test
  void sweep_deletesOldOrphansOfOurs_keepsYoungOnes_andNeverTouchesUntaggedInterfaces() {
    EniId gone = orphan("i-0123456789abcdef0", "multus-data", START.minus(Duration.ofHours(1)));
    EniId young = orphan("i-0123456789abcdef1", "multus-data", START.minus(Duration.ofMinutes(3)));
    EniId noTime =
        h.ec2.addInterface(
            h.dataA,
            Map.of(EniTags.PROFILE, "multus-data", EniTags.INSTANCE, "i-0123456789abcdef2"),
            Optional.empty(),
            0,
            0,
            false);
    EniId untagged =
        h.ec2.addInterface(h.dataA, Map.of("Name", "hand-made"), Optional.empty(), 0, 0, false);
    EniId taggedOnlyWithInstance =
        h.ec2.addInterface(
            h.dataA,
            Map.of(EniTags.INSTANCE, "i-0123456789abcdef0"),
            Optional.empty(),
            0,
            0,
            false);

    EniReport report = service.handle(scheduled(), false);

    assertThat(report.failures()).isEmpty();
    assertThat(h.ec2.interfaceById(gone)).isEmpty();
    assertThat(h.ec2.interfaceById(noTime)).as("no creation time counts as old").isEmpty();
    assertThat(h.ec2.interfaceById(young)).isPresent();
    assertThat(h.ec2.interfaceById(untagged)).isPresent();
    assertThat(h.ec2.interfaceById(taggedOnlyWithInstance)).isPresent();
    assertThat(report.results())
        .hasSize(2)
        .first()
        .satisfies(
            r -> {
              assertThat(r.instanceId()).isEqualTo("i-0123456789abcdef0");
              assertThat(r.state()).isEqualTo("gone");
              assertThat(r.interfaces().get(0).reason())
                  .isEqualTo("available, and its instance i-0123456789abcdef0 is gone");
            });
    assertThat(report.sweep().ourInterfaces()).isEqualTo(3);

    clock.advance(Duration.ofMinutes(10));
    service.handle(scheduled(), false);
    assertThat(h.ec2.interfaceById(young)).as("deleted once past the grace period").isEmpty();
    assertThat(h.ec2.interfaceById(untagged)).isPresent();
  }

  @Test
  void sweep_reattachesAndRecreatesMissingInterfaces_onRunningNodes() {
    InstanceId node = h.launchCnfNode();
    InstanceId other = h.launchCnfNode();
    service.handle(stateChange(other, "running"), false);
    // A crash left an available interface of ours for node; its other profile never ran.
    EniId leftover = orphan(node.value(), "multus-data", START.minus(Duration.ofHours(1)));
    h.ec2.clearCalls();

    EniReport report = service.handle(scheduled(), false);

    assertThat(report.failures()).isEmpty();
    assertThat(report.sweep().nodesChecked()).isEqualTo(2);
    assertThat(report.sweep().nodesReconciled()).isEqualTo(1);
    assertThat(h.at(node, "multus-data", 0, 1).orElseThrow().id()).isEqualTo(leftover);
    assertThat(h.at(node, "multus-mgmt", 0, 2)).isPresent();
    assertThat(h.oursFor(node)).hasSize(2);
    assertThat(h.oursFor(other)).hasSize(2);
    assertThat(h.ec2.writes()).noneMatch(w -> w.contains(other.value()));
    // Nodes are found with tag and state filters, never an unfiltered scan.
    assertThat(h.ec2.calls())
        .filteredOn(c -> c.startsWith("DescribeInstances tag"))
        .isNotEmpty()
        .allMatch(c -> c.contains("state [running]"));

    h.ec2.clearCalls();
    EniReport again = service.handle(scheduled(), false);
    assertThat(again.results()).isEmpty();
    assertThat(h.ec2.writes()).isEmpty();
  }

  @Test
  void sweep_deletesASpareInterfaceOfOurs_onANodeWhoseProfilesAreAllAttached() {
    InstanceId node = h.launchCnfNode();
    service.handle(stateChange(node, "running"), false);
    // Two runs on both sides of a client-token window each created one: the second is spare.
    EniId spare = orphan(node.value(), "multus-data", START.minus(Duration.ofHours(1)));
    h.ec2.clearCalls();

    EniReport report = service.handle(scheduled(), false);

    assertThat(report.failures()).isEmpty();
    assertThat(h.ec2.interfaceById(spare)).as("the planner deletes the spare one").isEmpty();
    assertThat(report.sweep().nodesReconciled()).isEqualTo(1);
    assertThat(h.oursFor(node)).hasSize(2).noneMatch(EniView::isAvailable);
    assertThat(h.ec2.writes()).containsExactly("DeleteNetworkInterface " + spare.value());

    h.ec2.clearCalls();
    assertThat(service.handle(scheduled(), false).results()).isEmpty();
    assertThat(h.ec2.writes()).isEmpty();
  }

  @Test
  void sweep_deletesAvailableInterfacesOfNodesThatNoLongerMatch_butLeavesAttachedOnes() {
    InstanceId node = h.launchCnfNode();
    service.handle(stateChange(node, "running"), false);
    EniId spare = orphan(node.value(), "multus-data", START.minus(Duration.ofHours(1)));
    Map<String, String> moved = new HashMap<>(EniTestData.CNF_NODE_TAGS);
    moved.put("eks:nodegroup-name", "general");
    h.ec2.setTags(node, moved);

    EniReport report = service.handle(scheduled(), false);

    assertThat(h.ec2.interfaceById(spare)).isEmpty();
    assertThat(report.results().get(0).interfaces().get(0).reason())
        .contains("is out of scope or no longer matches profile multus-data");
    assertThat(h.oursFor(node)).hasSize(2).noneMatch(EniView::isAvailable);
  }

  @Test
  void sweep_forceDetachesAndDeletes_interfacesStillShownOnTerminatedInstances() {
    h.ec2.terminationLeavesInterfacesAttached(true);
    InstanceId node = h.launchCnfNode();
    service.handle(stateChange(node, "running"), false);
    h.ec2.terminate(node);

    EniReport report = service.handle(scheduled(), false);

    assertThat(report.failures()).isEmpty();
    assertThat(h.oursFor(node)).isEmpty();
    assertThat(h.ec2.writes())
        .filteredOn(w -> w.startsWith("DetachNetworkInterface"))
        .allMatch(w -> w.endsWith(" force"));
    assertThat(h.ec2.allInterfaces())
        .as("only the primary interfaces of live instances and nothing of ours")
        .noneMatch(e -> e.tags().containsKey(EniTags.PROFILE));
  }

  @Test
  void sweepDryRun_reportsWhatItWouldDelete_andWritesNothing() {
    EniId gone = orphan("i-0123456789abcdef0", "multus-data", START.minus(Duration.ofHours(1)));
    h.launchCnfNode();

    EniReport report = service.handle(scheduled(), true);

    assertThat(report.dryRun()).isTrue();
    assertThat(report.results()).hasSize(2);
    assertThat(h.ec2.writes()).isEmpty();
    assertThat(h.ec2.interfaceById(gone)).isPresent();
  }

  @Test
  void sweep_stopsStartingWork_atTheDeadline_andSaysHowMuchWasLeft() {
    orphan("i-0123456789abcdef0", "multus-data", START.minus(Duration.ofHours(1)));
    h.launchCnfNode();

    EniReport report = service.handle(scheduled(), false, START);

    assertThat(report.sweep().notReached()).isEqualTo(2);
    assertThat(h.ec2.writes()).isEmpty();
    assertThat(report.retryFailures()).isFalse();
  }

  @Test
  void sweepFailures_areNotRetriedByLambda() {
    h.ec2.addSubnet(FakeNetworkEc2.VPC, FakeNetworkEc2.AZ_A, Map.of("multus", "data"));
    h.launchCnfNode(h.nodesA, "m5.large", InstanceState.RUNNING);

    EniReport report = service.handle(scheduled(), false);

    assertThat(report.failures()).hasSize(1);
    assertThat(report.retryFailures()).isFalse();
  }
}
