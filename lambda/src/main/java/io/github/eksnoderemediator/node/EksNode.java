package io.github.eksnoderemediator.node;

import java.util.Optional;

/**
 * An instance identified as an EKS node.
 *
 * @param cluster the cluster it belongs to
 * @param kind who launched it
 * @param nodeGroup the managed or eksctl node group, when the tags name one
 * @param nodePool the Karpenter node pool, when the tags name one
 */
public record EksNode(
    String cluster, NodeKind kind, Optional<String> nodeGroup, Optional<String> nodePool) {}
