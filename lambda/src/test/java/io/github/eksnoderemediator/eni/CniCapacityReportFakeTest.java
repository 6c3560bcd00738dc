package io.github.eksnoderemediator.eni;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.events.EventParser;
import io.github.eksnoderemediator.json.Json;
import io.github.eksnoderemediator.metrics.Metrics;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.port.InstanceState;
import io.github.eksnoderemediator.testing.MutableClock;
import io.github.eksnoderemediator.testing.SampleEvents;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code {"report": "eni-capacity"}} (the sample in {@code events/}) and the per-instance figures,
 * through the ENI service against {@link io.github.eksnoderemediator.testing.FakeNetworkEc2}.
 */
class CniCapacityReportFakeTest {
  private final EniHarness h = new EniHarness();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-20T14:05:00Z"));
  private final List<String> lines = new ArrayList<>();
  private final List<CniCapacityReport.Row> warned = new ArrayList<>();

  private EniService service(RemediatorConfig config) {
    EniReconciler reconciler = new EniReconciler(h.ec2, config, clock.boundedWait(), clock);
    EniJanitor janitor = new EniJanitor(h.ec2, config, clock.boundedWait());
    return new EniService(
        reconciler,
        new EniCleanup(h.ec2, janitor),
        new EniSweep(h.ec2, reconciler, janitor, config, clock),
        new EniPermissionsCheck(h.ec2, config, clock),
        new EniDecisionLog() {
          @Override
          public void record(String input, String eventId, EniInstanceResult result) {
            lines.add(result.decision().label());
          }

          @Override
          public void cniCapacity(String input, CniCapacityReport.Row row) {
            lines.add("WARN " + input + " " + row.capacity().instanceType());
            warned.add(row);
          }
        },
        Metrics.NONE,
        clock);
  }

  private EniReport capacityReport(EniService service) {
    return service.handle(EventParser.parse(SampleEvents.read("manual-eni-capacity.json")), false);
  }

  @Test
  void report_perInstanceTypeOfMatchedNodes_slotsLeftAndMaxPods_warnsWhereNoSlotIsLeft() {
    h.launchCnfNode(h.nodesA, "m5.large", InstanceState.RUNNING);
    h.launchCnfNode(h.nodesB, "m5.large", InstanceState.RUNNING);
    h.launchCnfNode(h.nodesA, "t3.micro", InstanceState.RUNNING);
    // Not matched by any profile: not in the report.
    h.ec2.launch(
        h.nodesA,
        "p4d.24xlarge",
        Map.of("eks:cluster-name", "prod", "eks:nodegroup-name", "general"),
        InstanceState.RUNNING);
    h.ec2.clearCalls();

    EniReport report = capacityReport(service(EniTestData.CONFIGURATION));

    CniCapacityReport.Capacity capacity = report.capacity();
    assertThat(report.input()).isEqualTo("manual eni-capacity report");
    assertThat(report.hasFailures()).isFalse();
    assertThat(capacity.nodes()).isEqualTo(3);
    assertThat(capacity.instanceTypes())
        .extracting(
            r -> r.capacity().instanceType(),
            CniCapacityReport.Row::nodes,
            r -> r.capacity().leftToCni(),
            r -> r.capacity().defaultMaxPods(),
            r -> r.capacity().maxPods())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("m5.large", 2, 1, 29, 11),
            org.assertj.core.groups.Tuple.tuple("t3.micro", 1, 0, 4, 3));
    assertThat(capacity.warnings()).hasSize(2);
    assertThat(lines)
        .containsExactly(
            "WARN manual eni-capacity report m5.large", "WARN manual eni-capacity report t3.micro");
    // Reads only, each type's limits once.
    assertThat(h.ec2.writes()).isEmpty();
    assertThat(h.ec2.calls())
        .filteredOn(c -> c.startsWith("DescribeInstanceTypes"))
        .containsExactly("DescribeInstanceTypes m5.large", "DescribeInstanceTypes t3.micro");
    // The JSON the function returns and the local command prints: rows flat, in type order.
    String json = Json.pretty(report);
    assertThat(json)
        .contains("\"instanceType\" : \"m5.large\"")
        .contains("\"maxPods\" : 11")
        .contains("\"nodes\" : 2")
        .doesNotContain("\"capacity\" : {\n      \"instanceType\"");
  }

  @Test
  void report_withASlotLeft_hasNoWarning() {
    RemediatorConfig oneProfile =
        RemediatorConfig.parse(
            """
            {"clusters": ["prod"],
             "eni": {"profiles": [
               {"name": "multus-data", "cluster": "prod", "nodeGroup": "cnf",
                "subnets": {"tags": {"multus": "data"}},
                "securityGroups": {"names": ["multus-data"]}, "deviceIndex": 1}]}}
            """,
            "test");
    assertThat(oneProfile.eni().profiles()).hasSize(1);
    h.launchCnfNode(h.nodesA, "m5.large", InstanceState.RUNNING);

    EniReport report = capacityReport(service(oneProfile));

    assertThat(report.capacity().instanceTypes())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.capacity().leftToCni()).isEqualTo(2);
              assertThat(r.capacity().maxPods()).isEqualTo(20);
              assertThat(r.capacity().warning()).isNull();
            });
    assertThat(warned).isEmpty();
  }

  @Test
  void report_unknownInstanceType_isAFailure_otherTypesStillReported() {
    h.launchCnfNode(h.nodesA, "m5.large", InstanceState.RUNNING);
    h.launchCnfNode(h.nodesA, "x9.huge", InstanceState.RUNNING);

    EniReport report = capacityReport(service(EniTestData.CONFIGURATION));

    assertThat(report.capacity().instanceTypes())
        .extracting(r -> r.capacity().instanceType())
        .containsExactly("m5.large");
    assertThat(report.capacity().failures())
        .singleElement()
        .asString()
        .startsWith("looking up the limits of x9.huge failed: InvalidInstanceType");
    assertThat(report.hasFailures()).isTrue();
    assertThat(report.failureSummary()).startsWith("eni-capacity report: ");
  }

  @Test
  void reconcile_reportsTheInstancesFigures_whenItLookedUpItsType() {
    InstanceId node = h.launchCnfNode(h.nodesA, "m5.large", InstanceState.RUNNING);

    EniReport first =
        service(EniTestData.CONFIGURATION).handle(EniHarness.manual(node, false), false);

    CniCapacity cni = first.results().get(0).vpcCni();
    assertThat(cni).isNotNull();
    assertThat(cni.instanceType()).isEqualTo("m5.large");
    assertThat(cni.maxPods()).isEqualTo(11);
    assertThat(cni.warning()).contains("the VPC CNI is left no slot for an interface of its own");
  }
}
