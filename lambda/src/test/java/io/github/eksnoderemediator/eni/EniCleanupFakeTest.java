package io.github.eksnoderemediator.eni;

import static io.github.eksnoderemediator.eni.EniHarness.stateChange;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.port.EniId;
import io.github.eksnoderemediator.port.EniStatus;
import io.github.eksnoderemediator.port.EniView;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.port.InstanceState;
import io.github.eksnoderemediator.port.NetworkGateway;
import io.github.eksnoderemediator.testing.MutableClock;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Termination cleanup against the strict EC2 fake: ours only, detach forced only when needed. */
class EniCleanupFakeTest {
  private final EniHarness h = new EniHarness();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-20T14:05:00Z"));
  private final EniService service = h.service(clock, clock.boundedWait());

  private InstanceId reconciledNode() {
    InstanceId node = h.launchCnfNode();
    assertThat(service.handle(stateChange(node, "running"), false).failures()).isEmpty();
    h.ec2.clearCalls();
    return node;
  }

  @Test
  void terminated_deletesTheInterfacesOfOursThatSurvived_andTouchesNoOther() {
    InstanceId node = reconciledNode();
    EniId foreign =
        h.ec2.addInterface(h.mgmtA, Map.of("owner", "someone"), Optional.empty(), 0, 0, false);
    EniId foreignForNode =
        h.ec2.addInterface(
            h.mgmtA, Map.of(EniTags.INSTANCE, node.value()), Optional.empty(), 0, 0, false);
    // EC2 deletes the DeleteOnTermination one (data) and leaves mgmt available.
    h.ec2.terminate(node);
    assertThat(h.oursFor(node)).hasSize(1).allMatch(EniView::isAvailable);

    EniReport report = service.handle(stateChange(node, "terminated"), false);

    assertThat(report.failures()).isEmpty();
    assertThat(report.results().get(0).decision()).isEqualTo(EniInstanceResult.Outcome.CLEANED);
    assertThat(report.results().get(0).interfaces())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.decision()).isEqualTo(EniDecision.DELETED);
              assertThat(r.profile()).isEqualTo("multus-mgmt");
            });
    assertThat(h.oursFor(node)).isEmpty();
    assertThat(h.ec2.interfaceById(foreign)).isPresent();
    assertThat(h.ec2.interfaceById(foreignForNode))
        .as("tagged with the instance, but not ours")
        .isPresent();
    assertThat(h.ec2.writes()).noneMatch(w -> w.contains("Detach"));
  }

  @Test
  void shuttingDown_detachesTheNonDeleteOnTerminationInterfaceNormally_andLeavesTheOtherToEc2() {
    InstanceId node = reconciledNode();
    h.ec2.setState(node, InstanceState.SHUTTING_DOWN);

    EniReport report = service.handle(stateChange(node, "shutting-down"), false);

    List<EniResult> results = report.results().get(0).interfaces();
    assertThat(results)
        .extracting(EniResult::profile, EniResult::decision)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("multus-data", EniDecision.SKIPPED),
            org.assertj.core.groups.Tuple.tuple("multus-mgmt", EniDecision.DELETED));
    assertThat(results)
        .filteredOn(r -> r.profile().equals("multus-data"))
        .singleElement()
        .extracting(EniResult::reason)
        .isEqualTo("DeleteOnTermination: EC2 deletes it with the instance");
    assertThat(h.ec2.writes())
        .extracting(w -> w.split(" ", -1)[0] + (w.endsWith("force") ? " force" : ""))
        .containsExactly("DetachNetworkInterface", "DeleteNetworkInterface");
  }

  @Test
  void anInterfaceStillDetaching_afterEniDetachSeconds_isARetryableFailure_notDeleted() {
    RemediatorConfig config =
        RemediatorConfig.parse(
            EniTestData.CONFIG.replace(
                "\"eni\": {", "\"eni\": {\"waits\": {\"detachSeconds\": 4}, "),
            "test");
    EniService slow = h.service(stillDetaching(h.ec2), config, clock, clock.boundedWait());
    InstanceId node = reconciledNode();
    h.ec2.setState(node, InstanceState.SHUTTING_DOWN);
    Instant start = clock.instant();

    EniReport report = slow.handle(stateChange(node, "shutting-down"), false);

    EniResult mgmt =
        report.results().get(0).interfaces().stream()
            .filter(r -> r.profile().equals("multus-mgmt"))
            .findFirst()
            .orElseThrow();
    assertThat(mgmt.decision()).isEqualTo(EniDecision.FAILED);
    assertThat(mgmt.reason())
        .endsWith("still detaching after 4 s: a later event or the sweep deletes it");
    assertThat(mgmt.retryable()).isTrue();
    assertThat(Duration.between(start, clock.instant()))
        .as("waits.appliedSeconds is 2; the ENI detach wait is its own")
        .isGreaterThanOrEqualTo(Duration.ofSeconds(4));
    assertThat(h.ec2.writes()).noneMatch(w -> w.startsWith("DeleteNetworkInterface"));
  }

  /** EC2 keeps showing every interface as detaching. */
  private static NetworkGateway stillDetaching(NetworkGateway ec2) {
    return (NetworkGateway)
        Proxy.newProxyInstance(
            NetworkGateway.class.getClassLoader(),
            new Class<?>[] {NetworkGateway.class},
            (proxy, method, args) -> {
              Object result;
              try {
                result = method.invoke(ec2, args);
              } catch (java.lang.reflect.InvocationTargetException e) {
                throw e.getCause();
              }
              if (method.getName().equals("describeEnis")) {
                return ((List<?>) result)
                    .stream()
                        .map(EniView.class::cast)
                        .map(
                            e ->
                                new EniView(
                                    e.id(),
                                    EniStatus.DETACHING,
                                    e.subnet(),
                                    e.vpcId(),
                                    e.availabilityZone(),
                                    e.groups(),
                                    e.description(),
                                    e.sourceDestCheck(),
                                    e.tags(),
                                    e.attachment()))
                        .toList();
              }
              return result;
            });
  }

  @Test
  void aNormalDetachThatCannotWork_isForced_andTheReportSaysWhy() {
    h.ec2.terminationLeavesInterfacesAttached(true);
    InstanceId node = reconciledNode();
    h.ec2.terminate(node);

    EniReport report = service.handle(stateChange(node, "terminated"), false);

    EniResult mgmt = report.results().get(0).interfaces().get(0);
    assertThat(mgmt.decision()).isEqualTo(EniDecision.DELETED);
    assertThat(mgmt.reason())
        .isEqualTo(
            "the instance is terminated but EC2 still shows the interface attached: a normal detach cannot work, so it is forced");
    assertThat(mgmt.steps()).first().asString().startsWith("force-detached eni-attach-");
    assertThat(h.ec2.writes())
        .filteredOn(w -> w.startsWith("DetachNetworkInterface"))
        .singleElement()
        .asString()
        .endsWith(" force");
    assertThat(h.oursFor(node)).isEmpty();
  }

  @Test
  void anInstanceEc2NoLongerKnows_hasItsLeftoversDeleted() {
    InstanceId node = reconciledNode();
    h.ec2.terminate(node);
    h.ec2.forget(node);

    EniReport report = service.handle(stateChange(node, "terminated"), false);

    assertThat(report.results().get(0).state()).isEqualTo("gone");
    assertThat(h.oursFor(node)).isEmpty();
  }

  @Test
  void terminated_withNothingOfOurs_isSkipped_withOneListingAndNoWrite() {
    InstanceId bastion =
        h.ec2.launch(h.nodesA, "m5.large", Map.of("Name", "bastion"), InstanceState.RUNNING);
    h.ec2.terminate(bastion);

    EniReport report = service.handle(stateChange(bastion, "terminated"), false);

    assertThat(report.results().get(0).decision()).isEqualTo(EniInstanceResult.Outcome.SKIPPED);
    assertThat(h.ec2.calls()).hasSize(1);
  }

  @Test
  void aCleanupDryRun_writesNothing() {
    InstanceId node = reconciledNode();
    h.ec2.terminate(node);

    EniReport report = service.handle(stateChange(node, "terminated"), true);

    assertThat(report.results().get(0).interfaces().get(0).reason())
        .startsWith("dry run, would delete");
    assertThat(h.ec2.writes()).isEmpty();
    assertThat(h.oursFor(node)).hasSize(1);
  }
}
