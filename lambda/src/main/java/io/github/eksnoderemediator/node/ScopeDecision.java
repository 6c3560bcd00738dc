package io.github.eksnoderemediator.node;

import java.util.Optional;

/** Whether the remediator may touch an instance. */
public sealed interface ScopeDecision {

  /** An EKS node of a cluster in scope, not opted out. */
  record InScope(EksNode node) implements ScopeDecision {}

  /**
   * Not to be touched.
   *
   * @param why the rule that excluded it
   * @param reason a sentence for the report
   * @param node the node, when the tags identified one
   */
  record OutOfScope(SkipReason why, String reason, Optional<EksNode> node)
      implements ScopeDecision {}

  /** Why an instance is out of scope. */
  enum SkipReason {
    GOING_AWAY,
    MANAGED_INSTANCE,
    NOT_EKS_NODE,
    AMBIGUOUS_CLUSTER,
    CLUSTER_OUT_OF_SCOPE,
    OPTED_OUT
  }
}
