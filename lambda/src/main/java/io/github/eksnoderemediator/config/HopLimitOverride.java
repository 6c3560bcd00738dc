package io.github.eksnoderemediator.config;

import java.util.Optional;

/**
 * The IMDS policy for one cluster, or for one node group or node pool of a cluster: a hop-limit
 * band, an IMDSv1 mode, or both. Either bound may be left out and is then inherited (see {@link
 * HopLimitBand#narrowedBy}); so may the mode. Both use the same precedence ({@link
 * ImdsConfig#bandFor}, {@link ImdsConfig#modeFor}).
 *
 * @param cluster the EKS cluster name
 * @param nodeGroup a managed (or eksctl) node group name, or empty
 * @param nodePool a Karpenter node pool name, or empty; never both
 * @param min the lower bound, or null to inherit
 * @param max the upper bound, or null to inherit
 * @param imdsV1Usage what to do when the node still has IMDSv1 callers, or empty to inherit
 */
public record HopLimitOverride(
    String cluster,
    Optional<String> nodeGroup,
    Optional<String> nodePool,
    Integer min,
    Integer max,
    Optional<ImdsV1Mode> imdsV1Usage) {

  /** An override of the hop-limit band only. */
  public HopLimitOverride(
      String cluster,
      Optional<String> nodeGroup,
      Optional<String> nodePool,
      Integer min,
      Integer max) {
    this(cluster, nodeGroup, nodePool, min, max, Optional.empty());
  }

  public HopLimitOverride {
    if (nodeGroup.isPresent() && nodePool.isPresent()) {
      throw new IllegalArgumentException("an override names a nodeGroup or a nodePool, not both");
    }
  }

  /** True when it gives at least one hop-limit bound. */
  public boolean givesBand() {
    return min != null || max != null;
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
