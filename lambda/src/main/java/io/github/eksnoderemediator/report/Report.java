package io.github.eksnoderemediator.report;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What one invocation did: the JSON every invocation returns and the local command prints.
 *
 * @param input what arrived, e.g. {@code RunInstances via CloudTrail} or {@code manual request}
 * @param eventId the EventBridge event id, for events
 * @param eventBridge true when EventBridge delivered the input
 * @param dryRun true when the invocation wrote nothing on purpose
 * @param ignored why the input needed no work, when it needed none
 * @param results one entry per instance, in input order
 * @param summary how many instances got each decision
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Report(
    String input,
    String eventId,
    boolean eventBridge,
    boolean dryRun,
    String ignored,
    List<InstanceResult> results,
    Map<Decision, Long> summary) {

  public Report {
    results = List.copyOf(results);
  }

  public static Report ignored(String input, String eventId, boolean eventBridge, String reason) {
    return new Report(input, eventId, eventBridge, false, reason, List.of(), Map.of());
  }

  public static Report of(
      String input,
      String eventId,
      boolean eventBridge,
      boolean dryRun,
      List<InstanceResult> results) {
    Map<Decision, Long> summary =
        results.stream()
            .collect(
                Collectors.groupingBy(
                    InstanceResult::decision,
                    () -> new EnumMap<>(Decision.class),
                    Collectors.counting()));
    return new Report(input, eventId, eventBridge, dryRun, null, results, summary);
  }

  @JsonIgnore
  public List<InstanceResult> failures() {
    return results.stream().filter(r -> r.decision() == Decision.FAILED).toList();
  }

  /** One line naming every failed instance and why, for an exception message or stderr. */
  @JsonIgnore
  public String failureSummary() {
    return failures().stream()
        .map(r -> r.instanceId() + ": " + r.reason())
        .collect(Collectors.joining("; ", failures().size() + " instance(s) failed: ", ""));
  }
}
