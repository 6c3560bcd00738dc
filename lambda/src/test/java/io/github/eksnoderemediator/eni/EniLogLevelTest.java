package io.github.eksnoderemediator.eni;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.eksnoderemediator.json.Json;
import io.github.eksnoderemediator.node.ScopeDecision.SkipReason;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.port.InstanceState;
import io.github.eksnoderemediator.report.JsonLinesDecisionLog;
import io.github.eksnoderemediator.testing.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A skipped node's ENI log level comes from the rule that excluded it; a node whose profiles leave
 * the VPC CNI no slot is a WARN.
 */
class EniLogLevelTest {
  private final EniHarness h = new EniHarness();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-20T14:05:00Z"));
  private final EniReconciler reconciler =
      new EniReconciler(h.ec2, EniTestData.CONFIGURATION, clock.boundedWait(), clock);
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final JsonLinesEniLog log =
      new JsonLinesEniLog(
          new JsonLinesDecisionLog(new PrintStream(out, true, StandardCharsets.UTF_8), clock));

  private JsonNode logged(EniInstanceResult result) {
    out.reset();
    log.record("manual request", null, result);
    return Json.parse(out.toByteArray(), "log line");
  }

  @Test
  void anOptedOutNode_isLoggedAtWarn_withoutTheRuleInTheReport() {
    Map<String, String> tags = new HashMap<>(EniTestData.CNF_NODE_TAGS);
    tags.put("eks-node-remediator/opt-out", "true");
    InstanceId id = h.ec2.launch(h.nodesA, "m5.large", tags, InstanceState.RUNNING);

    EniInstanceResult result = reconciler.reconcile(id, false);

    assertThat(result.decision()).isEqualTo(EniInstanceResult.Outcome.SKIPPED);
    assertThat(result.skippedBecause()).isEqualTo(SkipReason.OPTED_OUT);
    JsonNode line = logged(result);
    assertThat(line.path("level").asText()).isEqualTo("WARN");
    assertThat(line.path("result").has("skippedBecause")).isFalse();
    assertThat(h.ec2.writes()).isEmpty();
  }

  @Test
  void otherSkips_areLoggedAtInfo() {
    InstanceId notANode =
        h.ec2.launch(h.nodesA, "m5.large", Map.of("Name", "bastion"), InstanceState.RUNNING);

    EniInstanceResult result = reconciler.reconcile(notANode, false);

    assertThat(result.skippedBecause()).isEqualTo(SkipReason.NOT_EKS_NODE);
    assertThat(logged(result).path("level").asText()).isEqualTo("INFO");
    assertThat(
            logged(EniInstanceResult.about(notANode).skipped("no ENI profile matches", false))
                .path("level")
                .asText())
        .isEqualTo("INFO");
  }

  @Test
  void aReconcileLeavingTheVpcCniNoSlot_isLoggedAtWarn_withTheFigures() {
    // m5.large takes 3 interfaces: the two profiles leave the CNI only the primary.
    InstanceId node = h.launchCnfNode();

    EniInstanceResult result = reconciler.reconcile(node, false);

    assertThat(result.decision()).isEqualTo(EniInstanceResult.Outcome.RECONCILED);
    JsonNode line = logged(result);
    assertThat(line.path("level").asText()).isEqualTo("WARN");
    assertThat(line.path("result").path("vpcCni").path("maxPods").asInt()).isEqualTo(11);
    assertThat(line.path("result").path("vpcCni").path("warning").asText())
        .contains("left no slot");
  }

  @Test
  void theEniCapacityReportsRowsWithoutASlot_areLoggedAtWarn() {
    CniCapacityReport.Row row =
        new CniCapacityReport.Row(
            2, CniCapacity.of(EniTestData.T3_MICRO, java.util.List.of(EniTestData.DATA)));
    out.reset();

    log.cniCapacity("manual eni-capacity report", row);

    JsonNode line = Json.parse(out.toByteArray(), "log line");
    assertThat(line.path("level").asText()).isEqualTo("WARN");
    assertThat(line.path("message").asText()).isEqualTo("eni vpc cni left no slot");
    assertThat(line.path("result").path("instanceType").asText()).isEqualTo("t3.micro");
    assertThat(line.path("result").path("nodes").asInt()).isEqualTo(2);
  }
}
