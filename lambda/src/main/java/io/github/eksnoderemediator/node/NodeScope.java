package io.github.eksnoderemediator.node;

import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.node.NodeTags.Identified;
import io.github.eksnoderemediator.node.NodeTags.Unidentified;
import io.github.eksnoderemediator.node.ScopeDecision.InScope;
import io.github.eksnoderemediator.node.ScopeDecision.OutOfScope;
import io.github.eksnoderemediator.node.ScopeDecision.SkipReason;
import io.github.eksnoderemediator.port.InstanceFacts;
import java.util.Optional;

/**
 * The scope rules: which instances the remediator may touch. Anything it cannot positively place in
 * scope is left alone: there is no fallback that widens the scope.
 */
public final class NodeScope {
  /** The principal that operates EKS Auto Mode instances. */
  static final String EKS_PRINCIPAL = "eks.amazonaws.com";

  private final RemediatorConfig config;

  public NodeScope(RemediatorConfig config) {
    this.config = config;
  }

  public ScopeDecision evaluate(InstanceFacts instance) {
    if (instance.state().isGoingAway()) {
      return new OutOfScope(
          SkipReason.GOING_AWAY, "instance is " + instance.state(), Optional.empty());
    }
    if (instance.managedBy().isPresent()) {
      String principal = instance.managedBy().get();
      String reason =
          EKS_PRINCIPAL.equals(principal)
              ? "EKS Auto Mode node: EKS manages its settings"
              : "managed instance operated by " + principal;
      return new OutOfScope(SkipReason.MANAGED_INSTANCE, reason, Optional.empty());
    }
    EksNode node;
    switch (NodeTags.identify(instance.tags())) {
      case Unidentified u -> {
        return new OutOfScope(
            u.ambiguous() ? SkipReason.AMBIGUOUS_CLUSTER : SkipReason.NOT_EKS_NODE,
            u.reason(),
            Optional.empty());
      }
      case Identified i -> node = i.node();
    }
    if (!config.clusterInScope(node.cluster())) {
      return new OutOfScope(
          SkipReason.CLUSTER_OUT_OF_SCOPE,
          "cluster "
              + node.cluster()
              + " is not in scope "
              + config.clusters().stream().sorted().toList(),
          Optional.of(node));
    }
    if (instance.tags().containsKey(config.optOutTagKey())) {
      return new OutOfScope(
          SkipReason.OPTED_OUT,
          "opted out by tag "
              + config.optOutTagKey()
              + "="
              + instance.tags().get(config.optOutTagKey()),
          Optional.of(node));
    }
    return new InScope(node);
  }
}
