package io.github.eksnoderemediator.node;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads an instance's tags to decide whether it is an EKS node and of which cluster. The tags each
 * launcher sets are listed in docs/aws-behaviour.md ("Which instances are EKS nodes").
 */
public final class NodeTags {
  public static final String MANAGED_CLUSTER = "eks:cluster-name";
  public static final String MANAGED_NODE_GROUP = "eks:nodegroup-name";
  public static final String KARPENTER_CLUSTER = "eks:eks-cluster-name";
  public static final String KARPENTER_NODE_POOL = "karpenter.sh/nodepool";
  public static final String EKSCTL_CLUSTER = "alpha.eksctl.io/cluster-name";
  public static final String EKSCTL_NODE_GROUP = "alpha.eksctl.io/nodegroup-name";
  public static final String CLUSTER_TAG_PREFIX = "kubernetes.io/cluster/";

  private NodeTags() {}

  /** The outcome of reading the tags. */
  public sealed interface Identification {}

  /** The tags name exactly one cluster. */
  public record Identified(EksNode node) implements Identification {}

  /** The tags do not make this an EKS node, or name more than one cluster. */
  public record Unidentified(boolean ambiguous, String reason) implements Identification {}

  public static Identification identify(Map<String, String> tags) {
    // Every tag that names a cluster must name the same one: an instance claimed by two clusters
    // is someone's mistake, and guessing would touch a node of a cluster that may be out of scope.
    Set<String> clusters = new TreeSet<>();
    value(tags, MANAGED_CLUSTER).ifPresent(clusters::add);
    value(tags, KARPENTER_CLUSTER).ifPresent(clusters::add);
    value(tags, EKSCTL_CLUSTER).ifPresent(clusters::add);
    tags.forEach(
        (key, v) -> {
          if (key.startsWith(CLUSTER_TAG_PREFIX)
              && key.length() > CLUSTER_TAG_PREFIX.length()
              && ("owned".equals(v) || "shared".equals(v))) {
            clusters.add(key.substring(CLUSTER_TAG_PREFIX.length()));
          }
        });
    if (clusters.isEmpty()) {
      return new Unidentified(false, "not an EKS node: no EKS cluster tag");
    }
    if (clusters.size() > 1) {
      return new Unidentified(true, "tags name more than one cluster " + clusters);
    }
    String cluster = clusters.iterator().next();

    Optional<String> nodePool = value(tags, KARPENTER_NODE_POOL);
    Optional<String> managedGroup = value(tags, MANAGED_NODE_GROUP);
    if (nodePool.isPresent()) {
      return new Identified(new EksNode(cluster, NodeKind.KARPENTER, Optional.empty(), nodePool));
    }
    if (managedGroup.isPresent()) {
      return new Identified(
          new EksNode(cluster, NodeKind.MANAGED_NODE_GROUP, managedGroup, Optional.empty()));
    }
    return new Identified(
        new EksNode(
            cluster, NodeKind.SELF_MANAGED, value(tags, EKSCTL_NODE_GROUP), Optional.empty()));
  }

  private static Optional<String> value(Map<String, String> tags, String key) {
    return Optional.ofNullable(tags.get(key)).filter(v -> !v.isBlank());
  }
}
