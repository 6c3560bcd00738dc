package io.github.eksnoderemediator.report;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.github.eksnoderemediator.node.EksNode;
import io.github.eksnoderemediator.node.ScopeDecision.SkipReason;
import io.github.eksnoderemediator.port.InstanceId;

/**
 * The outcome for one instance: one entry of the report and one structured log line.
 *
 * @param instanceId the instance
 * @param cluster its cluster, when identified
 * @param nodeKind who launched it, when identified
 * @param nodeGroup its node group, when its tags name one
 * @param nodePool its Karpenter node pool, when its tags name one
 * @param decision changed, compliant, skipped or failed
 * @param reason a sentence explaining the decision
 * @param before the options found
 * @param after the options after the change (in a dry run: what they would be)
 * @param hopLimitChange for a change that moves the hop limit: raised or lowered, from what to
 *     what, and the band and its source that asked for it
 * @param policy the band and IMDSv1 mode the node got and where they came from
 * @param imdsV1 what the IMDSv1-use check found for a node in scope, or why it was not read ({@code
 *     not checked: tokens already required}, ...)
 * @param caller who made the call that brought the node here, when a CloudTrail event says so:
 *     whoever loosened its options, or launched it weak
 * @param applied for a change: whether EC2 reported the options {@code applied} within the wait
 * @param dryRun true when nothing was written on purpose
 * @param retryable for a failure: whether trying again later can help
 * @param skippedBecause for a node out of scope: the rule that excluded it (not in the report: the
 *     reason says it in words; the log level comes from it)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InstanceResult(
    String instanceId,
    String cluster,
    String nodeKind,
    String nodeGroup,
    String nodePool,
    Decision decision,
    String reason,
    OptionsView before,
    OptionsView after,
    HopLimitChange hopLimitChange,
    PolicyView policy,
    ImdsV1View imdsV1,
    Attribution caller,
    Boolean applied,
    boolean dryRun,
    Boolean retryable,
    @JsonIgnore SkipReason skippedBecause) {

  /** This result with the caller named and a phrase put before its reason. */
  public InstanceResult attributed(Attribution by, String reasonPrefix) {
    return new InstanceResult(
        instanceId,
        cluster,
        nodeKind,
        nodeGroup,
        nodePool,
        decision,
        reasonPrefix + reason,
        before,
        after,
        hopLimitChange,
        policy,
        imdsV1,
        by,
        applied,
        dryRun,
        retryable,
        skippedBecause);
  }

  /** Starts a result for an instance whose node identity is known (or null when not). */
  public static Builder of(InstanceId id, EksNode node, boolean dryRun) {
    return new Builder(id, node, dryRun);
  }

  /** Collects the parts of a result; {@link #decide} finishes it. */
  public static final class Builder {
    private final InstanceId id;
    private final EksNode node;
    private final boolean dryRun;
    private OptionsView before;
    private OptionsView after;
    private HopLimitChange hopLimitChange;
    private PolicyView policy;
    private ImdsV1View imdsV1;
    private Boolean applied;

    private Builder(InstanceId id, EksNode node, boolean dryRun) {
      this.id = id;
      this.node = node;
      this.dryRun = dryRun;
    }

    public Builder before(OptionsView v) {
      this.before = v;
      return this;
    }

    public Builder after(OptionsView v) {
      this.after = v;
      return this;
    }

    public Builder hopLimitChange(HopLimitChange v) {
      this.hopLimitChange = v;
      return this;
    }

    public Builder policy(PolicyView v) {
      this.policy = v;
      return this;
    }

    public Builder imdsV1(ImdsV1View v) {
      this.imdsV1 = v;
      return this;
    }

    public Builder applied(boolean v) {
      this.applied = v;
      return this;
    }

    public InstanceResult decide(Decision decision, String reason) {
      return build(decision, reason, null);
    }

    /** Skipped: out of scope by this rule. */
    public InstanceResult outOfScope(SkipReason why, String reason) {
      return build(Decision.SKIPPED, reason, why);
    }

    private InstanceResult build(Decision decision, String reason, SkipReason skippedBecause) {
      return new InstanceResult(
          id.value(),
          node == null ? null : node.cluster(),
          node == null ? null : node.kind().toString(),
          node == null ? null : node.nodeGroup().orElse(null),
          node == null ? null : node.nodePool().orElse(null),
          decision,
          reason,
          before,
          after,
          hopLimitChange,
          policy,
          imdsV1,
          null,
          applied,
          dryRun,
          null,
          skippedBecause);
    }

    public InstanceResult fail(boolean retryable, String reason) {
      InstanceResult r = decide(Decision.FAILED, reason);
      return new InstanceResult(
          r.instanceId,
          r.cluster,
          r.nodeKind,
          r.nodeGroup,
          r.nodePool,
          r.decision,
          r.reason,
          r.before,
          r.after,
          r.hopLimitChange,
          r.policy,
          r.imdsV1,
          r.caller,
          r.applied,
          r.dryRun,
          retryable,
          null);
    }
  }
}
