package io.github.eksnoderemediator.eni;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import io.github.eksnoderemediator.node.EksNode;
import io.github.eksnoderemediator.port.InstanceId;
import java.util.List;
import java.util.Locale;

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
    Boolean retryable) {

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

  /** Starts a result for an instance, with its node identity when known. */
  public static EniInstanceResult of(
      InstanceId id,
      EksNode node,
      String state,
      Outcome decision,
      String reason,
      List<EniResult> interfaces,
      boolean dryRun) {
    boolean anyFailed = interfaces.stream().anyMatch(EniResult::failed);
    Outcome effective = anyFailed ? Outcome.FAILED : decision;
    Boolean retryable =
        effective == Outcome.FAILED
            ? interfaces.stream()
                .filter(EniResult::failed)
                .allMatch(r -> Boolean.TRUE.equals(r.retryable()))
            : null;
    return new EniInstanceResult(
        id.value(),
        node == null ? null : node.cluster(),
        node == null ? null : node.kind().toString(),
        node == null ? null : node.nodeGroup().orElse(null),
        node == null ? null : node.nodePool().orElse(null),
        state,
        effective,
        reason,
        interfaces,
        dryRun,
        retryable);
  }

  /** A failure of the instance as a whole (it could not be described, say). */
  public static EniInstanceResult failed(
      InstanceId id,
      EksNode node,
      String state,
      String reason,
      boolean retryable,
      List<EniResult> interfaces,
      boolean dryRun) {
    return new EniInstanceResult(
        id.value(),
        node == null ? null : node.cluster(),
        node == null ? null : node.kind().toString(),
        node == null ? null : node.nodeGroup().orElse(null),
        node == null ? null : node.nodePool().orElse(null),
        state,
        Outcome.FAILED,
        reason,
        interfaces,
        dryRun,
        retryable);
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
