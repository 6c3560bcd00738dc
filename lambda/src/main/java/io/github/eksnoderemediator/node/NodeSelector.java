package io.github.eksnoderemediator.node;

import java.util.Optional;

/**
 * The nodes a manual request names: a cluster, optionally narrowed to one node group or one node
 * pool.
 */
public record NodeSelector(String cluster, Optional<String> nodeGroup, Optional<String> nodePool) {

  public boolean matches(EksNode node) {
    return node.cluster().equals(cluster)
        && nodeGroup.map(g -> node.nodeGroup().equals(Optional.of(g))).orElse(true)
        && nodePool.map(p -> node.nodePool().equals(Optional.of(p))).orElse(true);
  }

  @Override
  public String toString() {
    return "cluster "
        + cluster
        + nodeGroup.map(g -> ", node group " + g).orElse("")
        + nodePool.map(p -> ", node pool " + p).orElse("");
  }
}
