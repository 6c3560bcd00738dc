package io.github.eksnoderemediator.infra;

import io.github.eksnoderemediator.config.HopLimitOverride;
import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.infra.iam.IamRequest;
import io.github.eksnoderemediator.infra.iam.IamSimulator;
import io.github.eksnoderemediator.node.NodeTags;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Instances as IAM sees them: the tags each launcher puts on a node (docs/policy.md), for the
 * clusters a configuration has in scope and for some it does not, and the context keys EC2 supplies
 * for an instance resource.
 */
final class TestNodes {
  private TestNodes() {}

  /**
   * An instance and its tags.
   *
   * @param label what it is, for messages ({@code Karpenter node of prod, pool batch})
   */
  record Node(String label, String id, Map<String, String> tags) {
    Node {
      tags = Map.copyOf(tags);
    }

    /** The same instance with one more tag. */
    Node tagged(String key, String value, String labelSuffix) {
      Map<String, String> more = new LinkedHashMap<>(tags);
      more.put(key, value);
      return new Node(label + labelSuffix, id, more);
    }

    String arn() {
      return IamRequest.ec2Arn("instance/" + id);
    }

    /** The authorization of {@code action} on this instance, with the keys EC2 supplies for it. */
    IamRequest request(String action) {
      return IamRequest.of(action, arn())
          .withResourceTags(tags)
          .with("ec2:InstanceID", id)
          .with("ec2:Region", IamSimulator.REGION);
    }
  }

  /**
   * The nodes a configuration has in scope, of every launcher IAM can recognise: with clusters
   * listed, a managed node group node, a Karpenter node, an eksctl node and a plain self-managed
   * node of each cluster; with every cluster, the first three (the fourth is the documented
   * every-cluster limitation, see {@link #outOfScope}). Plus a node of every node group and node
   * pool an override names, so each band is exercised.
   */
  static List<Node> inScope(RemediatorConfig config) {
    List<Node> nodes = new ArrayList<>();
    Set<String> clusters = new LinkedHashSet<>(config.clusters().stream().sorted().toList());
    boolean everyCluster = clusters.isEmpty();
    if (everyCluster) {
      clusters.add("prod");
    }
    int n = 0;
    for (String c : clusters) {
      nodes.add(managed(id(n++), c, "general"));
      nodes.add(karpenter(id(n++), c, "default"));
      nodes.add(eksctl(id(n++), c));
      if (!everyCluster) {
        nodes.add(selfManagedOnly(id(n++), c));
      }
    }
    for (HopLimitOverride o : config.imds().overrides()) {
      if (o.nodeGroup().isPresent()) {
        nodes.add(managed(id(n++), o.cluster(), o.nodeGroup().get()));
      }
      if (o.nodePool().isPresent()) {
        nodes.add(karpenter(id(n++), o.cluster(), o.nodePool().get()));
      }
      if (o.isClusterWide()) {
        nodes.add(managed(id(n++), o.cluster(), "general"));
      }
    }
    return nodes;
  }

  /** An instance id, {@code i-} and 17 hex digits. */
  private static String id(int n) {
    return String.format("i-%017x", 0x1000 + n);
  }

  /**
   * Instances the role must refuse to change: not EKS nodes, nodes of clusters not listed, a node
   * whose cluster tag has a value EKS never writes, and, with every cluster in scope, a
   * self-managed node tagged only {@code kubernetes.io/cluster/<name>} (IAM cannot wildcard a tag
   * key: docs/iam.md, "The every-cluster limitation").
   */
  static List<Node> outOfScope(RemediatorConfig config) {
    List<Node> nodes = new ArrayList<>();
    nodes.add(new Node("untagged instance", "i-0000000000000000a", Map.of()));
    nodes.add(new Node("bastion", "i-0000000000000000b", Map.of("Name", "bastion")));
    if (config.clusters().isEmpty()) {
      nodes.add(selfManagedOnly("i-0000000000000000c", "prod"));
    } else {
      nodes.add(managed("i-0000000000000000d", "other", "general"));
      nodes.add(karpenter("i-0000000000000000e", "other", "default"));
      nodes.add(eksctl("i-0000000000000000f", "other"));
      nodes.add(selfManagedOnly("i-00000000000000010", "other"));
      String listed = config.clusters().stream().sorted().findFirst().orElseThrow();
      nodes.add(
          new Node(
              "instance whose tag kubernetes.io/cluster/" + listed + " is neither owned nor shared",
              "i-00000000000000011",
              Map.of(NodeTags.CLUSTER_TAG_PREFIX + listed, "ignored")));
    }
    return nodes;
  }

  /** The in-scope nodes again, each carrying the opt-out tag, with a value and with none. */
  static List<Node> optedOut(RemediatorConfig config) {
    List<Node> nodes = new ArrayList<>();
    for (Node node : inScope(config)) {
      nodes.add(node.tagged(config.optOutTagKey(), "yes", ", opted out"));
      nodes.add(node.tagged(config.optOutTagKey(), "", ", opted out with an empty value"));
    }
    return nodes;
  }

  private static Node managed(String id, String cluster, String group) {
    return new Node(
        "managed node group node of " + cluster + ", group " + group,
        id,
        Map.of(
            NodeTags.MANAGED_CLUSTER,
            cluster,
            NodeTags.MANAGED_NODE_GROUP,
            group,
            NodeTags.CLUSTER_TAG_PREFIX + cluster,
            "owned"));
  }

  private static Node karpenter(String id, String cluster, String pool) {
    return new Node(
        "Karpenter node of " + cluster + ", pool " + pool,
        id,
        Map.of(
            NodeTags.KARPENTER_CLUSTER,
            cluster,
            NodeTags.KARPENTER_NODE_POOL,
            pool,
            "karpenter.k8s.aws/ec2nodeclass",
            "default",
            NodeTags.CLUSTER_TAG_PREFIX + cluster,
            "owned"));
  }

  private static Node eksctl(String id, String cluster) {
    return new Node(
        "eksctl node of " + cluster,
        id,
        Map.of(
            NodeTags.EKSCTL_CLUSTER,
            cluster,
            NodeTags.EKSCTL_NODE_GROUP,
            "ng-1",
            NodeTags.CLUSTER_TAG_PREFIX + cluster,
            "owned"));
  }

  private static Node selfManagedOnly(String id, String cluster) {
    return new Node(
        "self-managed node of " + cluster + " tagged only kubernetes.io/cluster/" + cluster,
        id,
        Map.of(NodeTags.CLUSTER_TAG_PREFIX + cluster, "shared"));
  }
}
