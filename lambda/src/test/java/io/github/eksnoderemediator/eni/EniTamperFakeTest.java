package io.github.eksnoderemediator.eni;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.eksnoderemediator.events.EventParser;
import io.github.eksnoderemediator.metrics.Metrics;
import io.github.eksnoderemediator.port.EniView;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.testing.MutableClock;
import io.github.eksnoderemediator.testing.RecordingMetrics;
import io.github.eksnoderemediator.testing.SampleEvents;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Someone detaches, deletes or changes a secondary interface of ours: the CloudTrail record (the
 * samples in events/, with the fake's ids) makes the ENI function reconcile that node at once and
 * name the caller.
 */
class EniTamperFakeTest {
  private final EniHarness h = new EniHarness();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-20T14:05:00Z"));
  private final RecordingMetrics metrics = new RecordingMetrics();
  private final EniService service = h.serviceWithTamper(clock, clock.boundedWait(), metrics);
  private InstanceId node;

  @BeforeEach
  void aReconciledNode() {
    node = h.launchCnfNode();
    service.handle(EniHarness.stateChange(node, "running"), false);
    assertThat(h.at(node, "multus-data", 0, 1)).isPresent();
    clock.advance(Duration.ofHours(1));
    h.ec2.clearCalls();
  }

  private EniReport handle(String sample, Map<String, String> ids) {
    EniReport report = service.handle(EventParser.parse(SampleEvents.withIds(sample, ids)), false);
    metrics.flush();
    return report;
  }

  @Test
  void aDetachByAUser_reattachesTheInterfaceAtOnce_andNamesTheUser() {
    EniView data = h.at(node, "multus-data", 0, 1).orElseThrow();
    String attachment = data.attachment().orElseThrow().attachmentId();
    h.ec2.detach(attachment, false);
    assertThat(h.at(node, "multus-data", 0, 1)).isEmpty();

    EniReport report =
        handle(
            "cloudtrail-detachnetworkinterface-by-user.json",
            Map.of("eni-attach-0c1d2e3f4a5b6c7d8", attachment));

    assertThat(h.at(node, "multus-data", 0, 1)).as("reconciled at once").isPresent();
    assertThat(report.caller().principal()).isEqualTo("arn:aws:iam::123456789012:user/alice");
    assertThat(report.caller().sourceIp()).isEqualTo("198.51.100.7");
    assertThat(report.touched())
        .isEqualTo("interfaces of ours left detached: " + data.id() + " of " + node);
    assertThat(report.results())
        .singleElement()
        .satisfies(r -> assertThat(r.instanceId()).isEqualTo(node.value()));
    assertThat(metrics.flushed("prod", Metrics.INTERFACES_TOUCHED)).isEqualTo(1);
  }

  @Test
  void aSecurityGroupChange_onOurInterface_reconcilesItsNode() {
    EniView data = h.at(node, "multus-data", 0, 1).orElseThrow();

    EniReport report =
        handle(
            "cloudtrail-modifynetworkinterfaceattribute-by-other-role.json",
            Map.of("eni-0d1e2f3a4b5c6d7e8", data.id().value()));

    assertThat(report.touched()).isEqualTo(data.id() + " (profile multus-data) of " + node);
    assertThat(report.caller().role()).contains("AWSReservedSSO_NetworkOps");
    assertThat(report.caller().requested()).isEqualTo("security groups");
    assertThat(report.results()).hasSize(1);
    assertThat(metrics.flushed("prod", Metrics.INTERFACES_TOUCHED)).isEqualTo(1);
  }

  @Test
  void aChangeToSomeoneElsesInterface_isIgnored_withOneDescribe() {
    EniView primary =
        h.ec2.allInterfaces().stream().filter(e -> !EniTags.isOurs(e)).findFirst().orElseThrow();

    EniReport report =
        handle(
            "cloudtrail-modifynetworkinterfaceattribute-by-other-role.json",
            Map.of("eni-0d1e2f3a4b5c6d7e8", primary.id().value()));

    assertThat(report.ignored())
        .endsWith(
            primary.id() + " is not an interface of ours (no eks-node-remediator/eni-profile tag)");
    assertThat(h.ec2.writes()).isEmpty();
    assertThat(metrics.flushed("prod", Metrics.INTERFACES_TOUCHED)).isZero();
  }

  @Test
  void aDeletedInterface_leavesNoTrace_soEveryNodeIsCheckedAsTheSweepDoes() {
    EniView data = h.at(node, "multus-data", 0, 1).orElseThrow();
    h.ec2.detach(data.attachment().orElseThrow().attachmentId(), false);
    h.ec2.deleteEni(data.id());

    EniReport report =
        handle(
            "cloudtrail-deletenetworkinterface-by-user.json",
            Map.of("eni-0d1e2f3a4b5c6d7e8", data.id().value()));

    assertThat(h.at(node, "multus-data", 0, 1)).as("recreated").isPresent();
    assertThat(report.touched())
        .isEqualTo(
            data.id()
                + " no longer exists, and EC2 keeps no tags of a deleted interface: every node"
                + " checked, as the sweep does");
    assertThat(report.caller().action()).isEqualTo("DeleteNetworkInterface");
  }
}
