package io.github.eksnoderemediator.central;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import io.github.eksnoderemediator.eni.EniDecision;
import io.github.eksnoderemediator.eni.EniInstanceResult;
import io.github.eksnoderemediator.eni.EniResult;
import io.github.eksnoderemediator.report.Attribution;
import io.github.eksnoderemediator.report.InstanceResult;
import io.github.eksnoderemediator.report.OptionsView;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code detail} of one decision event for the central view: a compact copy of a decision log
 * line, for the decisions someone should see across the organization (a node changed, deferred,
 * failed, or tampered with). The account and Region are not in it: EventBridge puts the publishing
 * account and Region in the event's envelope, and keeps them when a rule forwards the event to
 * another account's bus.
 *
 * @param schemaVersion 1; raised only when a field changes meaning or goes away
 * @param function {@code imds} or {@code eni}
 * @param outcome changed, deferred, failed or tampered
 * @param decision the function's own decision word, as its log line has it (changed, deferred,
 *     failed; reconciled, cleaned; touched)
 * @param instanceId the instance, when the decision is about one
 * @param cluster its cluster, when known
 * @param nodeGroup its node group, when its tags name one
 * @param nodePool its Karpenter node pool, when its tags name one
 * @param reason the decision's sentence, clipped to {@value #MAX_REASON} characters
 * @param before IMDS: the options found
 * @param after IMDS: the options after the change
 * @param interfaces ENI: one line per profile or interface that was written or failed
 * @param by who made the call that tampered with the node, as CloudTrail recorded it
 * @param retryable for a failure: whether trying again can help
 * @param input what arrived, as the report names it
 * @param eventId the EventBridge event that brought it, when there was one
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DecisionEvent(
    int schemaVersion,
    String function,
    Outcome outcome,
    String decision,
    String instanceId,
    String cluster,
    String nodeGroup,
    String nodePool,
    String reason,
    OptionsView before,
    OptionsView after,
    List<InterfaceLine> interfaces,
    Attribution by,
    Boolean retryable,
    String input,
    String eventId) {

  /** The event's {@code source}: no {@code aws.} prefix, which is AWS's own. */
  public static final String SOURCE = "eks-node-remediator";

  /** The event's {@code detail-type}. */
  public static final String DETAIL_TYPE = "EKS Node Remediator Decision";

  /** Keeps an event far below PutEvents' 256 KB whatever a reason quotes. */
  static final int MAX_REASON = 1000;

  /** At most this many interface lines; more are summed up in the last one. */
  static final int MAX_INTERFACES = 20;

  private static final String IMDS_LOOSENING_CALL = "ModifyInstanceMetadataOptions";
  private static final Set<EniDecision> ENI_WRITES =
      Set.of(EniDecision.CREATED, EniDecision.ATTACHED, EniDecision.UPDATED, EniDecision.DELETED);

  public DecisionEvent {
    reason = clip(reason);
    interfaces = interfaces == null ? null : List.copyOf(interfaces);
  }

  /** What the central view counts and alarms on. */
  public enum Outcome {
    /** The function wrote: hardened a node, created, attached or deleted an interface. */
    CHANGED,
    /** Held back on purpose: a node still has IMDSv1 callers and its mode is defer. */
    DEFERRED,
    /** The function could not do what its policy asks. */
    FAILED,
    /**
     * Someone other than the function loosened a node's metadata options or touched one of its
     * interfaces; {@code decision} says what the function did about it.
     */
    TAMPERED;

    @JsonValue
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * One interface's part of an ENI decision.
   *
   * @param profile the profile
   * @param decision created, attached, updated, deleted or failed
   * @param eniId the interface, when there is one
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record InterfaceLine(String profile, String decision, String eniId) {}

  /**
   * The event for an IMDS decision, or empty for one the central view does not carry: compliant,
   * out of scope, or a dry run (nothing was written).
   */
  public static Optional<DecisionEvent> of(String input, String eventId, InstanceResult r) {
    if (r.dryRun()) {
      return Optional.empty();
    }
    Outcome outcome =
        switch (r.decision()) {
          case CHANGED -> Outcome.CHANGED;
          case DEFERRED -> Outcome.DEFERRED;
          case FAILED -> Outcome.FAILED;
          case COMPLIANT, SKIPPED -> null;
        };
    if (outcome == null) {
      return Optional.empty();
    }
    if (r.caller() != null && IMDS_LOOSENING_CALL.equals(r.caller().action())) {
      // Someone loosened the node: whatever the function then did, this is what to see centrally.
      outcome = Outcome.TAMPERED;
    }
    return Optional.of(
        new DecisionEvent(
            1,
            "imds",
            outcome,
            r.decision().label(),
            r.instanceId(),
            r.cluster(),
            r.nodeGroup(),
            r.nodePool(),
            r.reason(),
            r.before(),
            r.after(),
            null,
            outcome == Outcome.TAMPERED ? r.caller() : null,
            r.retryable(),
            input,
            eventId));
  }

  /**
   * The event for an ENI decision, or empty when nothing was written and nothing failed (profiles
   * already in place, out of scope, a dry run).
   */
  public static Optional<DecisionEvent> of(String input, String eventId, EniInstanceResult r) {
    if (r.dryRun()) {
      return Optional.empty();
    }
    List<EniResult> written =
        r.interfaces().stream()
            .filter(i -> ENI_WRITES.contains(i.decision()) || i.decision() == EniDecision.FAILED)
            .toList();
    Outcome outcome =
        switch (r.decision()) {
          case FAILED -> Outcome.FAILED;
          case CLEANED -> Outcome.CHANGED;
          case RECONCILED -> written.isEmpty() ? null : Outcome.CHANGED;
          case SKIPPED -> null;
        };
    if (outcome == null) {
      return Optional.empty();
    }
    return Optional.of(
        new DecisionEvent(
            1,
            "eni",
            outcome,
            r.decision().label(),
            r.instanceId(),
            r.cluster(),
            r.nodeGroup(),
            r.nodePool(),
            r.reason(),
            null,
            null,
            lines(written),
            null,
            r.retryable(),
            input,
            eventId));
  }

  /** Someone other than the ENI function touched an interface of ours. */
  public static DecisionEvent touched(String input, String eventId, Attribution by, String what) {
    return new DecisionEvent(
        1,
        "eni",
        Outcome.TAMPERED,
        "touched",
        null,
        null,
        null,
        null,
        what,
        null,
        null,
        null,
        by,
        null,
        input,
        eventId);
  }

  private static List<InterfaceLine> lines(List<EniResult> written) {
    if (written.isEmpty()) {
      return null;
    }
    List<InterfaceLine> lines =
        written.stream()
            .limit(MAX_INTERFACES)
            .map(i -> new InterfaceLine(i.profile(), i.decision().label(), i.eniId()))
            .toList();
    if (written.size() > MAX_INTERFACES) {
      return java.util.stream.Stream.concat(
              lines.stream(),
              java.util.stream.Stream.of(
                  new InterfaceLine(
                      null, "and " + (written.size() - MAX_INTERFACES) + " more", null)))
          .toList();
    }
    return lines;
  }

  private static String clip(String s) {
    return s == null || s.length() <= MAX_REASON ? s : s.substring(0, MAX_REASON - 1) + "…";
  }
}
