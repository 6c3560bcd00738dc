package io.github.eksnoderemediator.node;

import static io.github.eksnoderemediator.testing.Instances.KARPENTER_PROD;
import static io.github.eksnoderemediator.testing.Instances.MANAGED_PROD;
import static io.github.eksnoderemediator.testing.Instances.SELF_MANAGED_PROD;
import static io.github.eksnoderemediator.testing.Instances.imdsV1;
import static io.github.eksnoderemediator.testing.Instances.running;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.node.ScopeDecision.InScope;
import io.github.eksnoderemediator.node.ScopeDecision.OutOfScope;
import io.github.eksnoderemediator.node.ScopeDecision.SkipReason;
import io.github.eksnoderemediator.port.InstanceState;
import io.github.eksnoderemediator.testing.Instances;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NodeScopeTest {
  private static final NodeScope ALL = new NodeScope(RemediatorConfig.DEFAULT);
  private static final NodeScope PROD_ONLY =
      new NodeScope(RemediatorConfig.parse("{\"clusters\": [\"prod\"]}", "test"));

  private static ScopeDecision evaluate(NodeScope scope, Map<String, String> tags) {
    return scope.evaluate(running(tags, imdsV1()));
  }

  @Test
  void evaluate_identifiesEachLauncher() {
    assertThat(evaluate(ALL, MANAGED_PROD))
        .isEqualTo(
            new InScope(
                new EksNode(
                    "prod",
                    NodeKind.MANAGED_NODE_GROUP,
                    Optional.of("general"),
                    Optional.empty())));
    assertThat(evaluate(ALL, KARPENTER_PROD))
        .isEqualTo(
            new InScope(
                new EksNode("prod", NodeKind.KARPENTER, Optional.empty(), Optional.of("batch"))));
    assertThat(evaluate(ALL, SELF_MANAGED_PROD))
        .isEqualTo(
            new InScope(
                new EksNode(
                    "prod", NodeKind.SELF_MANAGED, Optional.of("legacy-ng"), Optional.empty())));
    assertThat(evaluate(ALL, Map.of("kubernetes.io/cluster/plain", "shared")))
        .isEqualTo(
            new InScope(
                new EksNode("plain", NodeKind.SELF_MANAGED, Optional.empty(), Optional.empty())));
  }

  @Test
  void evaluate_skipsInstancesWithoutClusterTags() {
    OutOfScope out =
        (OutOfScope) evaluate(ALL, Map.of("Name", "bastion", "kubernetes.io/role", "x"));
    assertThat(out.why()).isEqualTo(SkipReason.NOT_EKS_NODE);
    assertThat(out.reason()).isEqualTo("not an EKS node: no EKS cluster tag");
  }

  @Test
  void evaluate_ignoresClusterTagsWithOtherValues() {
    // kubernetes.io/cluster/<name> means membership only with owned or shared.
    assertThat(((OutOfScope) evaluate(ALL, Map.of("kubernetes.io/cluster/prod", "yes"))).why())
        .isEqualTo(SkipReason.NOT_EKS_NODE);
  }

  @Test
  void evaluate_skipsInstancesClaimedByTwoClusters() {
    Map<String, String> tags = new HashMap<>(MANAGED_PROD);
    tags.put("kubernetes.io/cluster/staging", "owned");
    OutOfScope out = (OutOfScope) evaluate(ALL, tags);
    assertThat(out.why()).isEqualTo(SkipReason.AMBIGUOUS_CLUSTER);
    assertThat(out.reason()).isEqualTo("tags name more than one cluster [prod, staging]");
  }

  @Test
  void evaluate_skipsClustersOutOfScope() {
    Map<String, String> staging = Map.of("eks:cluster-name", "staging", "eks:nodegroup-name", "ng");
    OutOfScope out = (OutOfScope) evaluate(PROD_ONLY, staging);
    assertThat(out.why()).isEqualTo(SkipReason.CLUSTER_OUT_OF_SCOPE);
    assertThat(out.reason()).isEqualTo("cluster staging is not in scope [prod]");
    assertThat(out.node()).map(EksNode::cluster).contains("staging");
    assertThat(evaluate(PROD_ONLY, MANAGED_PROD)).isInstanceOf(InScope.class);
  }

  @Test
  void evaluate_honoursTheOptOutTag_whateverItsValue() {
    Map<String, String> tags = new HashMap<>(MANAGED_PROD);
    tags.put(RemediatorConfig.DEFAULT_OPT_OUT_TAG_KEY, "false");
    OutOfScope out = (OutOfScope) evaluate(ALL, tags);
    assertThat(out.why()).isEqualTo(SkipReason.OPTED_OUT);
    assertThat(out.reason()).isEqualTo("opted out by tag eks-node-remediator/opt-out=false");
  }

  @Test
  void evaluate_skipsEksAutoModeAndOtherManagedInstances() {
    OutOfScope auto =
        (OutOfScope)
            ALL.evaluate(Instances.managedBy(running(MANAGED_PROD, imdsV1()), "eks.amazonaws.com"));
    assertThat(auto.why()).isEqualTo(SkipReason.MANAGED_INSTANCE);
    assertThat(auto.reason()).isEqualTo("EKS Auto Mode node: EKS manages its settings");
    OutOfScope other =
        (OutOfScope)
            ALL.evaluate(
                Instances.managedBy(running(MANAGED_PROD, imdsV1()), "other.amazonaws.com"));
    assertThat(other.reason()).isEqualTo("managed instance operated by other.amazonaws.com");
  }

  @Test
  void evaluate_skipsInstancesGoingAway() {
    for (InstanceState state :
        new InstanceState[] {InstanceState.SHUTTING_DOWN, InstanceState.TERMINATED}) {
      OutOfScope out =
          (OutOfScope) ALL.evaluate(Instances.withState(running(MANAGED_PROD, imdsV1()), state));
      assertThat(out.why()).isEqualTo(SkipReason.GOING_AWAY);
      assertThat(out.reason()).isEqualTo("instance is " + state.ec2Name());
    }
  }
}
