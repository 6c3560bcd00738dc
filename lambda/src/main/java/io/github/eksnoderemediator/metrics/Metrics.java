package io.github.eksnoderemediator.metrics;

/**
 * Counters per cluster, collected during one invocation and written once at its end. Every name
 * here is recorded by some code path: {@code ImdsService} for nodes and drift, the ENI service for
 * ENIs.
 */
public interface Metrics {
  /** The CloudWatch namespace of every metric here. */
  String NAMESPACE = "EksNodeRemediator";

  String NODES_REMEDIATED = "NodesRemediated";
  String NODES_COMPLIANT = "NodesCompliant";
  String NODES_SKIPPED = "NodesSkipped";
  String NODES_FAILED = "NodesFailed";

  /** Nodes left with optional tokens because they still have IMDSv1 callers (mode defer). */
  String NODES_DEFERRED = "NodesDeferred";

  /**
   * Nodes someone other than the function loosened (a ModifyInstanceMetadataOptions call the policy
   * then had to undo, or could not).
   */
  String NODES_LOOSENED = "NodesLoosened";

  /**
   * Detach, Delete or ModifyNetworkInterfaceAttribute calls by someone other than the ENI function
   * on an interface of ours (or, for a deleted one, one that may have been ours).
   */
  String INTERFACES_TOUCHED = "InterfacesTouched";

  /** Nodes whose tokens were required although IMDSv1 calls were seen (mode enforce). */
  String NODES_ENFORCED_WITH_IMDSV1_USE = "NodesEnforcedWithImdsV1Use";

  String ENIS_CREATED = "EnisCreated";
  String ENIS_ATTACHED = "EnisAttached";
  String ENIS_DELETED = "EnisDeleted";
  String ENIS_FAILED = "EnisFailed";
  String DRIFTING_NODE_GROUPS = "DriftingNodeGroups";

  /**
   * Scheduled sweeps that reached every node in scope (one per sweep): {@code verify} reads the
   * last one's time from the dimensionless total.
   */
  String SWEEPS_COMPLETED = "SweepsCompleted";

  /** Security Hub EC2.8 findings of hardened nodes set to RESOLVED (docs/security-hub.md). */
  String FINDINGS_RESOLVED = "FindingsResolved";

  /**
   * Findings of hardened nodes Security Hub did not take the update for (unprocessed, or the call
   * failed), and hardened nodes whose findings could not be read.
   */
  String FINDINGS_NOT_RESOLVED = "FindingsNotResolved";

  /**
   * Findings of hardened nodes left open because this account administers Security Hub for member
   * accounts and {@code securityHub.allowInAdministratorAccount} is off.
   */
  String FINDINGS_LEFT_IN_ADMINISTRATOR_ACCOUNT = "FindingsLeftInAdministratorAccount";

  /** Decision events the central view's bus accepted (only with a bus configured). */
  String DECISION_EVENTS_PUBLISHED = "DecisionEventsPublished";

  /** Decision events that did not reach the bus after one retry: the central view misses them. */
  String DECISION_EVENTS_UNSENT = "DecisionEventsUnsent";

  /** The cluster dimension's value for instances that belong to no cluster. */
  String NO_CLUSTER = "none";

  /** Metrics that go nowhere, for tests that do not look at them. */
  Metrics NONE =
      new Metrics() {
        @Override
        public void count(String cluster, String metric, long n) {}

        @Override
        public void flush() {}
      };

  /** Adds {@code n} to a counter of {@code cluster} (null: {@link #NO_CLUSTER}). */
  void count(String cluster, String metric, long n);

  /** Writes what was counted since the last flush, and starts over. */
  void flush();
}
