package io.github.eksnoderemediator.infra.constructs;

import io.github.eksnoderemediator.config.RemediatorConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Which instances IAM treats as EKS nodes in scope, as conditions on the instance's tags ({@code
 * aws:ResourceTag/...}). Both roles use it: the IMDS role for ModifyInstanceMetadataOptions, the
 * ENI role for attaching and detaching interfaces. docs/iam.md explains the two modes.
 */
final class NodeTagScope {
  /** Tags the launchers put on nodes (docs/policy.md, "Scope: which instances it touches"). */
  static final String MANAGED_NODE_GROUP_TAG = "eks:cluster-name";

  static final String KARPENTER_TAG = "eks:eks-cluster-name";
  static final String EKSCTL_TAG = "alpha.eksctl.io/cluster-name";
  static final String SELF_MANAGED_TAG_PREFIX = "kubernetes.io/cluster/";

  /**
   * One way of recognising a node: a statement gets one of these, so IAM allows the action on an
   * instance that matches any of them.
   *
   * @param name the launcher, as statement ids name it ({@code ManagedNodeGroupNodes}, {@code
   *     SelfManagedNodes2}); unique within a configuration
   * @param condition the IAM condition block testing the instance's tags
   */
  record Scope(String name, Map<String, Map<String, Object>> condition) {}

  private NodeTagScope() {}

  /**
   * The scopes for a configuration. With {@code clusters} empty (every cluster) the node must carry
   * a launcher's cluster tag with any value; IAM cannot wildcard a tag key, so {@code
   * kubernetes.io/cluster/<name>} cannot be required then. With clusters listed, each launcher's
   * tag must name one of them, and self-managed nodes are matched by one scope per cluster.
   */
  static List<Scope> of(RemediatorConfig config) {
    List<Scope> scopes = new ArrayList<>();
    if (config.clusters().isEmpty()) {
      scopes.add(new Scope("ManagedNodeGroupNodes", tagExists(MANAGED_NODE_GROUP_TAG)));
      scopes.add(new Scope("KarpenterNodes", tagExists(KARPENTER_TAG)));
      scopes.add(new Scope("EksctlNodes", tagExists(EKSCTL_TAG)));
    } else {
      List<String> clusters = config.clusters().stream().sorted().toList();
      scopes.add(new Scope("ManagedNodeGroupNodes", tagIn(MANAGED_NODE_GROUP_TAG, clusters)));
      scopes.add(new Scope("KarpenterNodes", tagIn(KARPENTER_TAG, clusters)));
      for (int i = 0; i < clusters.size(); i++) {
        scopes.add(
            new Scope(
                "SelfManagedNodes" + (i + 1),
                tagIn(SELF_MANAGED_TAG_PREFIX + clusters.get(i), List.of("owned", "shared"))));
      }
    }
    return scopes;
  }

  /** {@code "Null": {"aws:ResourceTag/<key>": "false"}}: the resource carries the tag key. */
  static Map<String, Map<String, Object>> tagExists(String key) {
    return Map.of("Null", Map.of("aws:ResourceTag/" + key, "false"));
  }

  private static Map<String, Map<String, Object>> tagIn(String key, List<String> values) {
    return Map.of("StringEquals", Map.of("aws:ResourceTag/" + key, values));
  }
}
