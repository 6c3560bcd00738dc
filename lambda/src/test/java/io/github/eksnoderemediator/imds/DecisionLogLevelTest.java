package io.github.eksnoderemediator.imds;

import static io.github.eksnoderemediator.testing.Instances.ID;
import static io.github.eksnoderemediator.testing.Instances.LAUNCHED;
import static io.github.eksnoderemediator.testing.Instances.MANAGED_PROD;
import static io.github.eksnoderemediator.testing.Instances.imdsV1;
import static io.github.eksnoderemediator.testing.Instances.running;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.json.Json;
import io.github.eksnoderemediator.node.ScopeDecision.SkipReason;
import io.github.eksnoderemediator.port.Ec2Gateway;
import io.github.eksnoderemediator.report.Decision;
import io.github.eksnoderemediator.report.InstanceResult;
import io.github.eksnoderemediator.report.JsonLinesDecisionLog;
import io.github.eksnoderemediator.testing.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mockito.Mock;
import org.mockito.junit.jupiter.MockitoExtension;

/** A skipped node's log level comes from the rule that excluded it, not from the reason's words. */
@ExtendWith(MockitoExtension.class)
class DecisionLogLevelTest {
  @Mock Ec2Gateway ec2;
  private final MutableClock clock = new MutableClock(LAUNCHED.plus(Duration.ofHours(1)));
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final JsonLinesDecisionLog log =
      new JsonLinesDecisionLog(new PrintStream(out, true, StandardCharsets.UTF_8), clock);

  private InstanceResult remediate(Map<String, String> tags) {
    when(ec2.describeInstance(ID)).thenReturn(Optional.of(running(tags, imdsV1())));
    return new ImdsRemediator(ec2, RemediatorConfig.DEFAULT, clock.boundedWait(), clock)
        .remediate(ID, false);
  }

  private JsonNode logged(InstanceResult result) {
    log.record("manual request", null, result);
    return Json.parse(out.toByteArray(), "log line");
  }

  @Test
  void anOptedOutNode_isSkippedByThatRule_andLoggedAtWarn_withoutTheRuleInTheReport() {
    Map<String, String> tags = new HashMap<>(MANAGED_PROD);
    tags.put("eks-node-remediator/opt-out", "true");

    InstanceResult result = remediate(tags);

    assertThat(result.decision()).isEqualTo(Decision.SKIPPED);
    assertThat(result.skippedBecause()).isEqualTo(SkipReason.OPTED_OUT);
    JsonNode line = logged(result);
    assertThat(line.path("level").asText()).isEqualTo("WARN");
    assertThat(line.path("result").has("skippedBecause")).isFalse();
    assertThat(line.path("result").path("reason").asText()).startsWith("opted out");
  }

  @Test
  void aNodeOfAnotherKindOfSkip_isLoggedAtInfo_whateverItsReasonSays() {
    InstanceResult notANode = remediate(Map.of("Name", "bastion"));
    assertThat(notANode.skippedBecause()).isEqualTo(SkipReason.NOT_EKS_NODE);

    InstanceResult worded =
        InstanceResult.of(ID, null, false)
            .outOfScope(
                SkipReason.CLUSTER_OUT_OF_SCOPE, "opted out of nothing: cluster not listed");

    assertThat(logged(notANode).path("level").asText()).isEqualTo("INFO");
    out.reset();
    assertThat(logged(worded).path("level").asText()).isEqualTo("INFO");
  }
}
