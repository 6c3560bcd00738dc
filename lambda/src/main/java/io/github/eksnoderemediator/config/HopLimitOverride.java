package io.github.eksnoderemediator.config;

import java.util.Optional;

/**
 * A hop-limit band for one cluster, or for one node group or node pool of a cluster. Either bound
 * may be left out and is then inherited (see {@link HopLimitBand#narrowedBy}).
 *
 * @param cluster the EKS cluster name
 * @param nodeGroup a managed (or eksctl) node group name, or empty
 * @param nodePool a Karpenter node pool name, or empty; never both
 * @param min the lower bound, or null to inherit
 * @param max the upper bound, or null to inherit
 */
public record HopLimitOverride(
    String cluster,
    Optional<String> nodeGroup,
    Optional<String> nodePool,
    Integer min,
    Integer max) {

  public HopLimitOverride {
    if (nodeGroup.isPresent() && nodePool.isPresent()) {
      throw new IllegalArgumentException("an override names a nodeGroup or a nodePool, not both");
    }
  }

  public boolean isClusterWide() {
    return nodeGroup.isEmpty() && nodePool.isEmpty();
  }

  /** How the report names where a band came from, for example {@code nodePool prod/batch}. */
  public String describe() {
    return nodeGroup
        .map(g -> "nodeGroup " + cluster + "/" + g)
        .or(() -> nodePool.map(p -> "nodePool " + cluster + "/" + p))
        .orElse("cluster " + cluster);
  }
}
