package io.github.eksnoderemediator.node;

/** Who launched an EKS node, as its tags tell. */
public enum NodeKind {
  /** An EKS managed node group ({@code eks:nodegroup-name}). */
  MANAGED_NODE_GROUP("managed-node-group"),
  /** Karpenter ({@code karpenter.sh/nodepool}). */
  KARPENTER("karpenter"),
  /** A self-managed group, eksctl's included ({@code kubernetes.io/cluster/<name>} only). */
  SELF_MANAGED("self-managed");

  private final String label;

  NodeKind(String label) {
    this.label = label;
  }

  @Override
  public String toString() {
    return label;
  }
}
