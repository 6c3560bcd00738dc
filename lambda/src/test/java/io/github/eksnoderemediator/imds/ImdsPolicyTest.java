package io.github.eksnoderemediator.imds;

import static io.github.eksnoderemediator.testing.Instances.options;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.eksnoderemediator.config.HopLimitBand;
import io.github.eksnoderemediator.config.HttpEndpointSetting;
import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.node.EksNode;
import io.github.eksnoderemediator.node.NodeKind;
import io.github.eksnoderemediator.port.MetadataOptions;
import io.github.eksnoderemediator.port.MetadataOptions.ApplyState;
import io.github.eksnoderemediator.port.MetadataOptions.Endpoint;
import io.github.eksnoderemediator.port.MetadataOptions.Tokens;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImdsPolicyTest {
  private static final EksNode NODE =
      new EksNode("prod", NodeKind.MANAGED_NODE_GROUP, Optional.of("general"), Optional.empty());
  private static final ImdsPolicy DEFAULT = new ImdsPolicy(RemediatorConfig.DEFAULT.imds());

  private static ImdsPolicy policy(String imdsJson) {
    return new ImdsPolicy(RemediatorConfig.parse("{\"imds\": " + imdsJson + "}", "test").imds());
  }

  @Test
  void decide_requiresTokensAndLeavesHopLimit1_underTheDefault() {
    ImdsDecision d = DEFAULT.decide(NODE, options(Tokens.OPTIONAL, 1));
    assertThat(d).isInstanceOf(ImdsDecision.Change.class);
    ImdsDecision.Change change = (ImdsDecision.Change) d;
    assertThat(change.target().httpTokens()).isEqualTo(Tokens.REQUIRED);
    assertThat(change.target().hopLimit()).isEqualTo(1);
    assertThat(change.target().httpEndpoint()).isEqualTo(Endpoint.ENABLED);
    assertThat(change.changes()).containsExactly("HttpTokens optional -> required");
    assertThat(change.band().band()).isEqualTo(new HopLimitBand(1, 2));
    assertThat(change.band().source()).isEqualTo("default");
  }

  @Test
  void decide_isCompliant_whenTokensRequiredAndHopLimit1_underTheDefault() {
    assertThat(DEFAULT.decide(NODE, options(Tokens.REQUIRED, 1)))
        .isInstanceOf(ImdsDecision.Compliant.class);
  }

  @Test
  void decide_neverRaisesAHopLimit_underTheDefault() {
    for (int hop = 1; hop <= 64; hop++) {
      for (Tokens tokens : Tokens.values()) {
        if (DEFAULT.decide(NODE, options(tokens, hop)) instanceof ImdsDecision.Change c) {
          assertThat(c.target().hopLimit()).as("from " + hop).isEqualTo(Math.min(hop, 2));
        }
      }
    }
  }

  @Test
  void decide_lowersAHopLimitAbove2_underTheDefault_andSaysSo() {
    ImdsDecision.Change c = (ImdsDecision.Change) DEFAULT.decide(NODE, options(Tokens.REQUIRED, 5));
    assertThat(c.target().hopLimit()).isEqualTo(2);
    assertThat(c.changes()).containsExactly("hop limit lowered 5 -> 2 (band [1, 2] from default)");
  }

  @Test
  void decide_raisesHopLimit1_onlyWhereAnOverridesMinSaysSo() {
    ImdsPolicy policy =
        policy(
            "{\"overrides\": [{\"cluster\": \"prod\", \"nodePool\": \"batch\","
                + " \"hopLimit\": {\"min\": 2}}]}");
    EksNode batch = new EksNode("prod", NodeKind.KARPENTER, Optional.empty(), Optional.of("batch"));
    EksNode other = new EksNode("prod", NodeKind.KARPENTER, Optional.empty(), Optional.of("web"));

    ImdsDecision.Change raised =
        (ImdsDecision.Change) policy.decide(batch, options(Tokens.OPTIONAL, 1));
    assertThat(raised.target().hopLimit()).isEqualTo(2);
    assertThat(raised.changes())
        .containsExactly(
            "HttpTokens optional -> required",
            "hop limit raised 1 -> 2 (band 2 from nodePool prod/batch)");
    assertThat(policy.decide(other, options(Tokens.REQUIRED, 1)))
        .isInstanceOf(ImdsDecision.Compliant.class);
  }

  @Test
  void decide_isCompliant_whenTokensRequiredAndHopLimitInBand() {
    assertThat(DEFAULT.decide(NODE, options(Tokens.REQUIRED, 2)))
        .isInstanceOf(ImdsDecision.Compliant.class);
  }

  @ParameterizedTest(name = "band [{0},{1}], current {2} -> {3}")
  @CsvSource({
    "2,2,1,2",
    "2,2,5,2",
    "1,2,1,1",
    "1,2,5,2",
    "3,3,2,3",
    "1,3,2,2",
    "1,3,1,1",
    "1,3,3,3",
    "1,3,64,3",
    "2,4,1,2",
    "1,1,2,1"
  })
  void decide_clampsHopLimitIntoTheBand(int min, int max, int current, int expected) {
    ImdsPolicy policy = policy("{\"hopLimit\": {\"min\": " + min + ", \"max\": " + max + "}}");
    ImdsDecision d = policy.decide(NODE, options(Tokens.REQUIRED, current));
    int result = d instanceof ImdsDecision.Change c ? c.target().hopLimit() : current;
    assertThat(result).isEqualTo(expected);
    assertThat(d instanceof ImdsDecision.Compliant).isEqualTo(current == expected);
  }

  @Test
  void decide_neverLoosensTokens_whatEverTheBand() {
    for (int hop = 1; hop <= 64; hop++) {
      for (Tokens tokens : Tokens.values()) {
        ImdsDecision d = DEFAULT.decide(NODE, options(tokens, hop));
        if (d instanceof ImdsDecision.Change c) {
          assertThat(c.target().httpTokens()).isEqualTo(Tokens.REQUIRED);
        } else {
          assertThat(tokens).isEqualTo(Tokens.REQUIRED);
        }
      }
    }
  }

  @Test
  void decide_keepsEndpoint_unlessConfigured() {
    MetadataOptions disabled =
        new MetadataOptions(Tokens.OPTIONAL, 2, Endpoint.DISABLED, ApplyState.APPLIED);
    ImdsDecision.Change keep = (ImdsDecision.Change) DEFAULT.decide(NODE, disabled);
    assertThat(keep.target().httpEndpoint()).isEqualTo(Endpoint.DISABLED);

    ImdsPolicy enable = policy("{\"httpEndpoint\": \"enabled\"}");
    ImdsDecision.Change change = (ImdsDecision.Change) enable.decide(NODE, disabled);
    assertThat(change.target().httpEndpoint()).isEqualTo(Endpoint.ENABLED);
    assertThat(change.changes()).contains("HttpEndpoint disabled -> enabled");
    assertThat(RemediatorConfig.DEFAULT.imds().httpEndpoint())
        .isEqualTo(HttpEndpointSetting.UNCHANGED);
  }

  @Test
  void decide_usesTheNodePoolOverride_andSaysWhereItCameFrom() {
    ImdsPolicy policy =
        policy(
            "{\"overrides\": [{\"cluster\": \"prod\", \"nodePool\": \"untrusted\", \"hopLimit\": 1}]}");
    EksNode untrusted =
        new EksNode("prod", NodeKind.KARPENTER, Optional.empty(), Optional.of("untrusted"));
    ImdsDecision.Change c =
        (ImdsDecision.Change) policy.decide(untrusted, options(Tokens.REQUIRED, 2));
    assertThat(c.target().hopLimit()).isEqualTo(1);
    assertThat(c.band().source()).isEqualTo("nodePool prod/untrusted");
    assertThat(c.changes())
        .containsExactly("hop limit lowered 2 -> 1 (band 1 from nodePool prod/untrusted)");
  }
}
