package io.github.eksnoderemediator.eni;

import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.events.EventParser;
import io.github.eksnoderemediator.port.EniView;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.port.InstanceState;
import io.github.eksnoderemediator.port.NetworkGateway;
import io.github.eksnoderemediator.port.Subnet;
import io.github.eksnoderemediator.testing.FakeNetworkEc2;
import io.github.eksnoderemediator.testing.SampleEvents;
import io.github.eksnoderemediator.wait.BoundedWait;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The ENI service wired to {@link FakeNetworkEc2}: a VPC with the two profiles' subnets in two
 * zones and their security groups, and helpers to send real-shaped events.
 */
final class EniHarness {
  final FakeNetworkEc2 ec2 = new FakeNetworkEc2();
  final Subnet dataA =
      ec2.addSubnet(FakeNetworkEc2.VPC, FakeNetworkEc2.AZ_A, Map.of("multus", "data"));
  final Subnet dataB =
      ec2.addSubnet(FakeNetworkEc2.VPC, FakeNetworkEc2.AZ_B, Map.of("multus", "data"));
  final Subnet mgmtA =
      ec2.addSubnet(FakeNetworkEc2.VPC, FakeNetworkEc2.AZ_A, Map.of("multus", "mgmt"));
  final Subnet nodesA = ec2.addSubnet(FakeNetworkEc2.VPC, FakeNetworkEc2.AZ_A, Map.of());
  final Subnet nodesB = ec2.addSubnet(FakeNetworkEc2.VPC, FakeNetworkEc2.AZ_B, Map.of());
  final List<EniInstanceResult> logged = Collections.synchronizedList(new ArrayList<>());

  EniHarness() {
    ec2.addGroup(FakeNetworkEc2.VPC, "multus-data");
    ec2.addGroup(FakeNetworkEc2.VPC, "multus-mgmt");
    // Same names in another VPC: must never be picked.
    ec2.addGroup(FakeNetworkEc2.OTHER_VPC, "multus-data");
    ec2.addSubnet(FakeNetworkEc2.OTHER_VPC, FakeNetworkEc2.AZ_A, Map.of("multus", "data"));
  }

  EniService service(Clock clock, BoundedWait wait) {
    return service(ec2, clock, wait);
  }

  EniService service(NetworkGateway gateway, Clock clock, BoundedWait wait) {
    return service(gateway, EniTestData.CONFIGURATION, clock, wait);
  }

  EniService service(
      NetworkGateway gateway, RemediatorConfig config, Clock clock, BoundedWait wait) {
    EniReconciler reconciler = new EniReconciler(gateway, config, wait, clock);
    EniJanitor janitor = new EniJanitor(gateway, config, wait);
    return new EniService(
        reconciler,
        new EniCleanup(gateway, janitor),
        new EniSweep(gateway, reconciler, janitor, config, clock),
        new EniPermissionsCheck(gateway, config, clock),
        (input, eventId, result) -> logged.add(result),
        io.github.eksnoderemediator.metrics.Metrics.NONE,
        clock);
  }

  /** As {@link #service(Clock, BoundedWait)}, also handling interface calls by others. */
  EniService serviceWithTamper(
      Clock clock, BoundedWait wait, io.github.eksnoderemediator.metrics.Metrics metrics) {
    RemediatorConfig config = EniTestData.CONFIGURATION;
    EniReconciler reconciler = new EniReconciler(ec2, config, wait, clock);
    EniJanitor janitor = new EniJanitor(ec2, config, wait);
    return new EniService(
        reconciler,
        new EniCleanup(ec2, janitor),
        new EniSweep(ec2, reconciler, janitor, config, clock),
        new EniPermissionsCheck(ec2, config, clock),
        (input, eventId, result) -> logged.add(result),
        metrics,
        clock,
        new EniTamper(ec2));
  }

  InstanceId launchCnfNode(Subnet subnet, String type, InstanceState state) {
    return ec2.launch(subnet, type, EniTestData.CNF_NODE_TAGS, state);
  }

  InstanceId launchCnfNode() {
    return launchCnfNode(nodesA, "m5.large", InstanceState.RUNNING);
  }

  /** Every interface of ours for the instance, as EC2 would eventually show it. */
  List<EniView> oursFor(InstanceId id) {
    return ec2.interfacesTagged(EniTags.PROFILE).stream()
        .filter(e -> id.value().equals(e.tags().get(EniTags.INSTANCE)))
        .toList();
  }

  /** Ours for the instance and profile, attached to it at the slot. */
  Optional<EniView> at(InstanceId id, String profile, int card, int index) {
    return oursFor(id).stream()
        .filter(e -> profile.equals(e.tags().get(EniTags.PROFILE)))
        .filter(e -> e.attachment().map(a -> a.holds(id, card, index)).orElse(false))
        .findFirst();
  }

  static io.github.eksnoderemediator.events.Input stateChange(InstanceId id, String state) {
    String text =
        SampleEvents.readString("state-change-running.json")
            .replace("i-0a1b2c3d4e5f60001", id.value())
            .replace("\"state\": \"running\"", "\"state\": \"" + state + "\"");
    return EventParser.parse(text.getBytes(StandardCharsets.UTF_8));
  }

  static io.github.eksnoderemediator.events.Input runInstances(InstanceId id) {
    return EventParser.parse(
        SampleEvents.withIds(
            "cloudtrail-runinstances-managed-nodegroup.json",
            Map.of("i-0a1b2c3d4e5f60002", id.value())));
  }

  static io.github.eksnoderemediator.events.Input manual(InstanceId id, boolean dryRun) {
    return EventParser.parse(
        ("{\"instanceId\": \"" + id + "\"" + (dryRun ? ", \"dryRun\": true" : "") + "}")
            .getBytes(StandardCharsets.UTF_8));
  }

  static io.github.eksnoderemediator.events.Input scheduled() {
    return EventParser.parse(SampleEvents.read("scheduled-event.json"));
  }
}
