package io.github.eksnoderemediator.eni;

import static io.github.eksnoderemediator.eni.EniHarness.manual;
import static io.github.eksnoderemediator.eni.EniHarness.runInstances;
import static io.github.eksnoderemediator.eni.EniHarness.stateChange;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.port.EniId;
import io.github.eksnoderemediator.port.EniView;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.port.InstanceState;
import io.github.eksnoderemediator.port.NetworkGateway;
import io.github.eksnoderemediator.port.NewEni;
import io.github.eksnoderemediator.testing.FakeNetworkEc2;
import io.github.eksnoderemediator.testing.MutableClock;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Reconciling nodes against the strict EC2 fake: every rule moto does not enforce. */
class EniReconcileFakeTest {
  private final EniHarness h = new EniHarness();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-20T14:05:00Z"));
  private final EniService service = h.service(clock, clock.boundedWait());

  private EniReport handle(io.github.eksnoderemediator.events.Input input) {
    return service.handle(input, false);
  }

  private static List<EniDecision> decisions(EniReport report) {
    return report.results().get(0).interfaces().stream().map(EniResult::decision).toList();
  }

  @Test
  void running_createsOneTaggedInterfacePerProfile_inTheZonesSubnets_atTheConfiguredSlots() {
    InstanceId node = h.launchCnfNode();

    EniReport report = handle(stateChange(node, "running"));

    assertThat(report.failures()).isEmpty();
    assertThat(decisions(report)).containsExactly(EniDecision.CREATED, EniDecision.CREATED);
    EniView data = h.at(node, "multus-data", 0, 1).orElseThrow();
    EniView mgmt = h.at(node, "multus-mgmt", 0, 2).orElseThrow();
    assertThat(h.oursFor(node)).hasSize(2);
    assertThat(data.subnet()).isEqualTo(h.dataA.id());
    assertThat(mgmt.subnet()).isEqualTo(h.mgmtA.id());
    assertThat(data.tags())
        .containsEntry(EniTags.PROFILE, "multus-data")
        .containsEntry(EniTags.INSTANCE, node.value())
        .containsEntry(EniTags.CLUSTER, "prod")
        .containsEntry(EniTags.NO_MANAGE, "true")
        .containsEntry("team", "core")
        .containsEntry(EniTags.CREATED_AT, "2026-11-20T14:05:00Z");
    assertThat(data.attachment().get().deleteOnTermination()).isTrue();
    assertThat(mgmt.attachment().get().deleteOnTermination()).isFalse();
    assertThat(mgmt.sourceDestCheck()).isFalse();
    assertThat(data.description()).isEqualTo("Multus data");
    assertThat(h.ec2.writes())
        .extracting(w -> w.split(" ", -1)[0])
        .containsExactly(
            "CreateNetworkInterface",
            "AttachNetworkInterface",
            "ModifyNetworkInterfaceAttribute",
            "CreateNetworkInterface",
            "AttachNetworkInterface",
            "ModifyNetworkInterfaceAttribute");
    assertThat(h.logged).containsExactlyElementsOf(report.results());
  }

  @Test
  void aSecondRun_findsEverythingPresent_andWritesNothing() {
    InstanceId node = h.launchCnfNode();
    handle(stateChange(node, "running"));
    h.ec2.clearCalls();

    EniReport again = handle(runInstances(node));

    assertThat(decisions(again))
        .containsExactly(EniDecision.ALREADY_PRESENT, EniDecision.ALREADY_PRESENT);
    assertThat(h.ec2.writes()).isEmpty();
    // Present interfaces need no subnet, group or limit lookups.
    assertThat(h.ec2.calls())
        .extracting(c -> c.split(" ", -1)[0])
        .containsExactly("DescribeInstances", "DescribeNetworkInterfaces");
  }

  @Test
  void eniReconcileWait_boundsTheRounds_notTheSharedNotFoundWait() {
    RemediatorConfig config =
        RemediatorConfig.parse(
            EniTestData.CONFIG.replace(
                "\"eni\": {", "\"eni\": {\"waits\": {\"reconcileSeconds\": 2}, "),
            "test");
    EniService bounded = h.service(h.ec2, config, clock, clock.boundedWait());
    InstanceId node = h.launchCnfNode(h.nodesA, "m5.large", InstanceState.PENDING);
    Instant start = clock.instant();

    EniReport report = bounded.handle(runInstances(node), false);

    assertThat(report.results().get(0).interfaces().get(0).reason())
        .contains("not settled within 2 s");
    assertThat(Duration.between(start, clock.instant()))
        .as("waits.notFoundSeconds is 5")
        .isLessThan(Duration.ofSeconds(5));
    assertThat(report.results().get(0).retryable()).isTrue();
  }

  @Test
  void reorderedEvents_launchCallWhilePending_thenRunning_endWithOneInterfacePerProfile() {
    InstanceId node = h.launchCnfNode(h.nodesA, "m5.large", InstanceState.PENDING);

    EniReport early = handle(runInstances(node));

    // EC2 refuses the attach while the instance is pending: a retryable failure, nothing leaked.
    assertThat(early.failures()).hasSize(1);
    assertThat(early.results().get(0).retryable()).isTrue();
    assertThat(early.results().get(0).interfaces().get(0).reason())
        .contains("IncorrectInstanceState");
    assertThat(early.retryFailures()).isTrue();
    assertThat(h.oursFor(node)).hasSize(2).allMatch(EniView::isAvailable);

    assertThat(handle(stateChange(node, "pending")).ignored()).startsWith("state pending");
    h.ec2.setState(node, InstanceState.RUNNING);
    EniReport running = handle(stateChange(node, "running"));
    EniReport duplicate = handle(stateChange(node, "running"));

    assertThat(decisions(running)).containsExactly(EniDecision.ATTACHED, EniDecision.ATTACHED);
    assertThat(decisions(duplicate))
        .containsExactly(EniDecision.ALREADY_PRESENT, EniDecision.ALREADY_PRESENT);
    assertThat(h.ec2.count("CreateNetworkInterface")).isEqualTo(2);
    assertThat(h.oursFor(node)).hasSize(2);
    assertThat(h.at(node, "multus-data", 0, 1)).isPresent();
    assertThat(h.at(node, "multus-mgmt", 0, 2)).isPresent();
  }

  @Test
  void aNewInterfaceEc2DoesNotShowYet_isWaitedFor_neverRecreated() {
    h.ec2.newInterfacesInvisibleFor(4);
    InstanceId node = h.launchCnfNode();

    EniReport report = handle(stateChange(node, "running"));

    assertThat(report.failures()).isEmpty();
    assertThat(decisions(report)).containsExactly(EniDecision.CREATED, EniDecision.CREATED);
    assertThat(h.ec2.count("CreateNetworkInterface")).isEqualTo(2);
    assertThat(h.ec2.count("AttachNetworkInterface")).isGreaterThan(2);
    assertThat(h.oursFor(node)).hasSize(2);
    assertThat(clock.sleeps()).isNotEmpty().allMatch(d -> d.compareTo(Duration.ofSeconds(5)) <= 0);
  }

  @Test
  void aCrashBetweenCreateAndAttach_isFinishedByTheNextRun_withTheSameInterface() {
    InstanceId node = h.launchCnfNode();
    EniService crashing = h.service(crashAfterCreate(h.ec2), clock, clock.boundedWait());

    try {
      crashing.handle(stateChange(node, "running"), false);
    } catch (IllegalStateException expected) {
      assertThat(expected).hasMessage("simulated crash after CreateNetworkInterface");
    }
    List<EniView> leftBehind = h.oursFor(node);
    assertThat(leftBehind).hasSize(1).allMatch(EniView::isAvailable);

    EniReport next = handle(stateChange(node, "running"));

    assertThat(next.failures()).isEmpty();
    assertThat(decisions(next)).containsExactly(EniDecision.ATTACHED, EniDecision.CREATED);
    assertThat(h.at(node, "multus-data", 0, 1).orElseThrow().id())
        .isEqualTo(leftBehind.get(0).id());
    assertThat(h.oursFor(node)).hasSize(2);
  }

  @Test
  void aCrashBetweenCreateAndAttach_whileEc2HidesTheInterface_getsItBackThroughTheClientToken() {
    InstanceId node = h.launchCnfNode();
    EniService crashing = h.service(crashAfterCreate(h.ec2), clock, clock.boundedWait());
    h.ec2.newInterfacesInvisibleFor(2);
    try {
      crashing.handle(stateChange(node, "running"), false);
    } catch (IllegalStateException expected) {
      // the crash
    }
    EniId first = h.ec2.interfacesTagged(EniTags.PROFILE).get(0).id();

    EniReport next = handle(stateChange(node, "running"));

    assertThat(next.failures()).isEmpty();
    assertThat(h.at(node, "multus-data", 0, 1).orElseThrow().id()).isEqualTo(first);
    assertThat(h.oursFor(node)).hasSize(2);
  }

  @Test
  void aSlotHeldByAnInterfaceWeDoNotOwn_failsThatProfile_createsNothing_stealsNothing() {
    InstanceId node = h.launchCnfNode();
    EniId cni = h.ec2.addInterface(h.nodesA, Map.of("cni", "yes"), Optional.of(node), 0, 1, true);

    EniReport report = handle(stateChange(node, "running"));

    EniResult data = report.results().get(0).interfaces().get(0);
    assertThat(data.decision()).isEqualTo(EniDecision.FAILED);
    assertThat(data.retryable()).isFalse();
    assertThat(data.reason()).contains("is taken by " + cni).contains("does not own");
    assertThat(report.results().get(0).interfaces().get(1).decision())
        .isEqualTo(EniDecision.CREATED);
    assertThat(h.oursFor(node))
        .extracting(e -> e.tags().get(EniTags.PROFILE))
        .containsExactly("multus-mgmt");
    assertThat(h.ec2.interfaceById(cni).orElseThrow().attachment().get().holds(node, 0, 1))
        .isTrue();
    assertThat(h.ec2.writes()).noneMatch(w -> w.contains(cni.value()));
  }

  @Test
  void theInterfaceLimit_failsTheProfileThatWouldExceedIt_beforeCreatingAnything() {
    InstanceId node = h.launchCnfNode(h.nodesA, "t3.micro", InstanceState.RUNNING);

    EniReport report = handle(stateChange(node, "running"));

    assertThat(decisions(report)).containsExactly(EniDecision.CREATED, EniDecision.FAILED);
    assertThat(report.results().get(0).interfaces().get(1).reason())
        .contains("t3.micro takes 2 interfaces");
    assertThat(h.ec2.count("CreateNetworkInterface")).isEqualTo(1);
  }

  @Test
  void aProfileWithoutASubnetInTheNodesZone_isSkippedWithTheReason() {
    InstanceId node = h.launchCnfNode(h.nodesB, "m5.large", InstanceState.RUNNING);

    EniReport report = handle(stateChange(node, "running"));

    assertThat(decisions(report)).containsExactly(EniDecision.CREATED, EniDecision.SKIPPED);
    assertThat(report.results().get(0).interfaces().get(1).reason())
        .startsWith("no subnet of the profile in eu-west-1b");
    assertThat(h.at(node, "multus-data", 0, 1).orElseThrow().subnet()).isEqualTo(h.dataB.id());
    assertThat(report.failures()).isEmpty();
  }

  @Test
  void autoModeAndOutOfScopeInstances_areSkipped_withoutAnyWrite() {
    InstanceId auto = h.launchCnfNode();
    h.ec2.managedBy(auto, "eks.amazonaws.com");
    InstanceId bastion =
        h.ec2.launch(h.nodesA, "m5.large", Map.of("Name", "bastion"), InstanceState.RUNNING);

    EniReport a = handle(stateChange(auto, "running"));
    EniReport b = handle(stateChange(bastion, "running"));

    assertThat(a.results().get(0).decision()).isEqualTo(EniInstanceResult.Outcome.SKIPPED);
    assertThat(a.results().get(0).reason())
        .isEqualTo("EKS Auto Mode node: EKS manages its settings");
    assertThat(b.results().get(0).reason()).isEqualTo("not an EKS node: no EKS cluster tag");
    assertThat(h.ec2.writes()).isEmpty();
  }

  @Test
  void aDryRun_reportsThePlan_andWritesNothing() {
    InstanceId node = h.launchCnfNode();

    EniReport report = handle(manual(node, true));

    assertThat(report.dryRun()).isTrue();
    EniResult data = report.results().get(0).interfaces().get(0);
    assertThat(data.decision()).isEqualTo(EniDecision.CREATED);
    assertThat(data.reason()).startsWith("dry run, would create an interface in " + h.dataA.id());
    assertThat(data.steps())
        .hasSize(3)
        .first()
        .asString()
        .startsWith("create an interface in " + h.dataA.id());
    assertThat(h.ec2.writes()).isEmpty();
  }

  @Test
  void anInterfaceDeletedBehindOurBack_isReplaced_onceTheTokenWindowHasPassed() {
    InstanceId node = h.launchCnfNode();
    handle(stateChange(node, "running"));
    EniId data = h.at(node, "multus-data", 0, 1).orElseThrow().id();
    h.ec2.detach(h.ec2.interfaceById(data).get().attachment().get().attachmentId(), false);
    h.ec2.deleteOutOfBand(data);

    // Same window: the token replays the deleted interface (the assumption, see ClientTokens).
    EniReport sameWindow = handle(stateChange(node, "running"));
    assertThat(sameWindow.results().get(0).interfaces().get(0).decision())
        .isEqualTo(EniDecision.FAILED);
    assertThat(sameWindow.results().get(0).interfaces().get(0).retryable()).isTrue();

    clock.advance(ClientTokens.WINDOW);
    EniReport later = handle(stateChange(node, "running"));

    assertThat(decisions(later)).containsExactly(EniDecision.CREATED, EniDecision.ALREADY_PRESENT);
    assertThat(h.at(node, "multus-data", 0, 1).orElseThrow().id()).isNotEqualTo(data);
    assertThat(h.oursFor(node)).hasSize(2);
  }

  /** A gateway that dies right after CreateNetworkInterface returns: a Lambda crash. */
  static NetworkGateway crashAfterCreate(FakeNetworkEc2 ec2) {
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
              if (method.getName().equals("createEni") && args[0] instanceof NewEni) {
                throw new IllegalStateException("simulated crash after CreateNetworkInterface");
              }
              return result;
            });
  }
}
