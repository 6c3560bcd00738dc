package io.github.eksnoderemediator.eni;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.node.EksNode;
import io.github.eksnoderemediator.node.NodeKind;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EniProfileMatcherTest {
  private static final RemediatorConfig CONFIG =
      RemediatorConfig.parse(
          """
          {"eni": {"profiles": [
            {"name": "all-prod", "cluster": "prod", "subnets": {"tags": {"a": "b"}},
             "securityGroups": {"names": ["x"]}, "deviceIndex": 1},
            {"name": "cnf-group", "cluster": "prod", "nodeGroup": "cnf", "subnets": {"tags": {"a": "b"}},
             "securityGroups": {"names": ["x"]}, "deviceIndex": 2},
            {"name": "upf-pool", "cluster": "prod", "nodePool": "upf", "matchTags": {"role": "n3"},
             "subnets": {"tags": {"a": "b"}}, "securityGroups": {"names": ["x"]}, "deviceIndex": 3},
            {"name": "staging", "cluster": "staging", "subnets": {"tags": {"a": "b"}},
             "securityGroups": {"names": ["x"]}, "deviceIndex": 1}]}}
          """,
          "test");
  private final ProfileMatcher matcher = new ProfileMatcher(CONFIG.eni());

  private static EksNode group(String cluster, String group) {
    return new EksNode(cluster, NodeKind.MANAGED_NODE_GROUP, Optional.of(group), Optional.empty());
  }

  private static EksNode pool(String pool) {
    return new EksNode("prod", NodeKind.KARPENTER, Optional.empty(), Optional.of(pool));
  }

  @Test
  void matching_appliesClusterWideProfiles_andTheNodesGroupsProfiles() {
    assertThat(matcher.matching(group("prod", "cnf"), Map.of()))
        .extracting(p -> p.name())
        .containsExactly("all-prod", "cnf-group");
    assertThat(matcher.matching(group("prod", "general"), Map.of()))
        .extracting(p -> p.name())
        .containsExactly("all-prod");
    assertThat(matcher.matching(group("staging", "cnf"), Map.of()))
        .extracting(p -> p.name())
        .containsExactly("staging");
  }

  @Test
  void matching_requiresTheNodePool_andEveryMatchTagWithItsExactValue() {
    assertThat(matcher.matching(pool("upf"), Map.of("role", "n3")))
        .extracting(p -> p.name())
        .containsExactly("all-prod", "upf-pool");
    assertThat(matcher.matching(pool("upf"), Map.of("role", "n6")))
        .extracting(p -> p.name())
        .containsExactly("all-prod");
    assertThat(matcher.matching(pool("other"), Map.of("role", "n3")))
        .extracting(p -> p.name())
        .containsExactly("all-prod");
    assertThat(matcher.matching(group("prod", "upf"), Map.of("role", "n3")))
        .as("a node group of the same name is not the node pool")
        .extracting(p -> p.name())
        .containsExactly("all-prod");
  }
}
