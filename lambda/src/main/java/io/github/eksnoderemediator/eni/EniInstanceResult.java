package io.github.eksnoderemediator.eni;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import io.github.eksnoderemediator.node.EksNode;
import io.github.eksnoderemediator.node.ScopeDecision.SkipReason;
import io.github.eksnoderemediator.port.InstanceId;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The outcome for one instance: one entry of the report and one structured log line.
 *
 * @param instanceId the instance
 * @param cluster its cluster, when identified
 * @param nodeKind who launched it, when identified
 * @param nodeGroup its node group, when its tags name one
 * @param nodePool its Karpenter node pool, when its tags name one
 * @param state its state as last described, when it was described
 * @param decision reconciled, cleaned, skipped or failed
 * @param reason a sentence, for an instance-level decision
 * @param interfaces one entry per matching profile (or, in a cleanup, per interface of ours)
 * @param dryRun true when nothing was written on purpose
 * @param retryable for a failure: whether trying again can help
 * @param skippedBecause for a node out of scope: the rule that excluded it (not in the report: the
 *     reason says it in words; the log level comes from it)
 * @param vpcCni what the matched profiles leave to the VPC CNI on this instance's type, and the
 *     max-pods value to set; only when the run looked up the type's limits (it had an interface to
 *     place), since present interfaces need no lookup
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EniInstanceResult(
    String instanceId,
    String cluster,
    String nodeKind,
    String nodeGroup,
    String nodePool,
    String state,
    Outcome decision,
    String reason,
    List<EniResult> interfaces,
    boolean dryRun,
    Boolean retryable,
    @JsonIgnore SkipReason skippedBecause,
    CniCapacity vpcCni) {

  public EniInstanceResult {
    interfaces = List.copyOf(interfaces);
  }

  /** What happened to the instance as a whole. */
  public enum Outcome {
    /** Its profiles were reconciled; {@code interfaces} says how. */
    RECONCILED,
    /** Interfaces of ours it left behind were cleaned up. */
    CLEANED,
    /** Not touched: out of scope, no profile applies, or nothing to do. */
    SKIPPED,
    /** The instance, or at least one of its interfaces, failed. */
    FAILED;

    @JsonValue
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Starts a result about an instance; its node and state are added once known. */
  public static Subject about(InstanceId id) {
    return new Subject(Optional.of(id), Optional.empty(), Optional.empty());
  }

  /** A sweep-level failure about no one instance (a listing failed, say). */
  public static EniInstanceResult sweepFailed(Failure failure, boolean dryRun) {
    return NO_INSTANCE.failed(failure, List.of(), dryRun);
  }

  /** Interfaces of ours cleaned up whose instance tag names no instance. */
  public static EniInstanceResult cleanedWithoutInstance(
      String reason, List<EniResult> interfaces, boolean dryRun) {
    return NO_INSTANCE.result(Outcome.CLEANED, reason, interfaces, dryRun);
  }

  private static final Subject NO_INSTANCE =
      new Subject(Optional.empty(), Optional.empty(), Optional.empty());

  /**
   * Who a result is about: an instance, its node identity when identified, its state when it was
   * described.
   */
  public record Subject(Optional<InstanceId> id, Optional<EksNode> node, Optional<String> state) {
    public Subject withNode(Optional<EksNode> node) {
      return new Subject(id, node, state);
    }

    public Subject withNode(EksNode node) {
      return withNode(Optional.of(node));
    }

    public Subject inState(String state) {
      return new Subject(id, node, Optional.of(state));
    }

    /** Its profiles were reconciled; failed when any of them failed. */
    public EniInstanceResult reconciled(List<EniResult> interfaces, boolean dryRun) {
      return result(Outcome.RECONCILED, null, interfaces, dryRun);
    }

    /** Interfaces of ours it left were cleaned up; failed when any of them failed. */
    public EniInstanceResult cleaned(List<EniResult> interfaces, boolean dryRun) {
      return result(Outcome.CLEANED, null, interfaces, dryRun);
    }

    /** Not touched, and why. */
    public EniInstanceResult skipped(String reason, boolean dryRun) {
      return result(Outcome.SKIPPED, reason, List.of(), dryRun);
    }

    /** Not touched: out of scope by this rule. */
    public EniInstanceResult outOfScope(SkipReason why, String reason, boolean dryRun) {
      return build(Outcome.SKIPPED, reason, List.of(), dryRun, null, why);
    }

    /** A failure of the instance as a whole (it could not be described, say). */
    public EniInstanceResult failed(Failure failure, List<EniResult> interfaces, boolean dryRun) {
      return build(Outcome.FAILED, failure.reason(), interfaces, dryRun, failure.retryable(), null);
    }

    /**
     * An instance whose interfaces failed has failed; it is retryable when each of those failures
     * is.
     */
    private EniInstanceResult result(
        Outcome decision, String reason, List<EniResult> interfaces, boolean dryRun) {
      List<EniResult> failures = interfaces.stream().filter(EniResult::failed).toList();
      if (failures.isEmpty()) {
        return build(decision, reason, interfaces, dryRun, null, null);
      }
      boolean retryable = failures.stream().allMatch(r -> Boolean.TRUE.equals(r.retryable()));
      return build(Outcome.FAILED, reason, interfaces, dryRun, retryable, null);
    }

    private EniInstanceResult build(
        Outcome decision,
        String reason,
        List<EniResult> interfaces,
        boolean dryRun,
        Boolean retryable,
        SkipReason skippedBecause) {
      return new EniInstanceResult(
          id.map(InstanceId::value).orElse(null),
          node.map(EksNode::cluster).orElse(null),
          node.map(n -> n.kind().toString()).orElse(null),
          node.flatMap(EksNode::nodeGroup).orElse(null),
          node.flatMap(EksNode::nodePool).orElse(null),
          state.orElse(null),
          decision,
          reason,
          interfaces,
          dryRun,
          retryable,
          skippedBecause,
          null);
    }
  }

  /** This result with what the profiles leave to the VPC CNI on the instance's type. */
  public EniInstanceResult withVpcCni(CniCapacity capacity) {
    return new EniInstanceResult(
        instanceId,
        cluster,
        nodeKind,
        nodeGroup,
        nodePool,
        state,
        decision,
        reason,
        interfaces,
        dryRun,
        retryable,
        skippedBecause,
        capacity);
  }

  @JsonIgnore
  public boolean failed() {
    return decision == Outcome.FAILED;
  }

  /** One line saying why it failed, for the failure summary. */
  @JsonIgnore
  public String failureReason() {
    if (reason != null) {
      return reason;
    }
    return interfaces.stream()
        .filter(EniResult::failed)
        .map(r -> (r.profile() == null ? "" : r.profile() + ": ") + r.reason())
        .reduce((a, b) -> a + "; " + b)
        .orElse("failed");
  }
}
