package io.github.eksnoderemediator.eni;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The outcome for one profile on one instance, or for one interface in a cleanup or sweep.
 *
 * @param profile the profile
 * @param decision created, attached, updated, already-present, deleted, skipped or failed
 * @param reason a sentence explaining it
 * @param eniId the interface it is about, when there is one
 * @param networkCardIndex the profile's network card
 * @param deviceIndex the profile's device index
 * @param steps the EC2 writes made, in order (in a dry run: the plan)
 * @param retryable for a failure: whether trying again can help
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EniResult(
    String profile,
    EniDecision decision,
    String reason,
    String eniId,
    Integer networkCardIndex,
    Integer deviceIndex,
    List<String> steps,
    Boolean retryable) {

  public EniResult {
    steps = steps == null || steps.isEmpty() ? null : List.copyOf(steps);
  }

  /** Anything but a failure: {@code retryable} is left out. */
  public static EniResult of(
      String profile,
      EniDecision decision,
      String reason,
      String eniId,
      Integer networkCardIndex,
      Integer deviceIndex,
      List<String> steps) {
    if (decision == EniDecision.FAILED) {
      throw new IllegalArgumentException("a failure needs its Failure: use EniResult.failed");
    }
    return new EniResult(
        profile, decision, reason, eniId, networkCardIndex, deviceIndex, steps, null);
  }

  /** A failure: the reason and {@code retryable} come from {@code failure}. */
  public static EniResult failed(
      String profile,
      Failure failure,
      String eniId,
      Integer networkCardIndex,
      Integer deviceIndex,
      List<String> steps) {
    return new EniResult(
        profile,
        EniDecision.FAILED,
        failure.reason(),
        eniId,
        networkCardIndex,
        deviceIndex,
        steps,
        failure.retryable());
  }

  public boolean failed() {
    return decision == EniDecision.FAILED;
  }
}
