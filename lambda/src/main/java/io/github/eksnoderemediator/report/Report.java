package io.github.eksnoderemediator.report;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.github.eksnoderemediator.check.PermissionsReport;
import io.github.eksnoderemediator.drift.DriftReport;
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
 * @param sweep for a sweep or a cluster request: how the nodes were found and how far it got
 * @param drift for a sweep or a drift request: the launch-template drift report
 * @param permissions for a permissions check: each dry-run request and its verdict
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Report(
    String input,
    String eventId,
    boolean eventBridge,
    boolean dryRun,
    String ignored,
    List<InstanceResult> results,
    Map<Decision, Long> summary,
    SweepSummary sweep,
    DriftReport drift,
    PermissionsReport permissions)
    implements InvocationReport {

  public Report {
    results = List.copyOf(results);
  }

  /**
   * What a sweep read, in counts.
   *
   * @param describePages DescribeInstances pages read (one per 1,000 nodes)
   * @param instancesListed instances the tag and state filters returned
   * @param notReached nodes left for the next sweep because the invocation's time ran out
   */
  public record SweepSummary(int describePages, int instancesListed, int notReached) {}

  public static Report ignored(String input, String eventId, boolean eventBridge, String reason) {
    return new Report(
        input, eventId, eventBridge, false, reason, List.of(), Map.of(), null, null, null);
  }

  public static Report of(
      String input,
      String eventId,
      boolean eventBridge,
      boolean dryRun,
      List<InstanceResult> results) {
    return new Report(
        input, eventId, eventBridge, dryRun, null, results, summarize(results), null, null, null);
  }

  /** This report with a sweep's and a drift report's findings added. */
  public Report with(SweepSummary sweep, DriftReport drift) {
    return new Report(
        input, eventId, eventBridge, dryRun, ignored, results, summary, sweep, drift, permissions);
  }

  /** The report of a permissions check. */
  public static Report permissions(String input, PermissionsReport permissions) {
    return new Report(
        input, null, false, false, null, List.of(), Map.of(), null, null, permissions);
  }

  private static Map<Decision, Long> summarize(List<InstanceResult> results) {
    return results.stream()
        .collect(
            Collectors.groupingBy(
                InstanceResult::decision,
                () -> new EnumMap<>(Decision.class),
                Collectors.counting()));
  }

  @JsonIgnore
  public List<InstanceResult> failures() {
    return results.stream().filter(r -> r.decision() == Decision.FAILED).toList();
  }

  /**
   * True when failures should make Lambda retry the invocation: an event about particular
   * instances. A sweep's failures are not retried (the next sweep comes anyway): its metrics and
   * alarm report them.
   */
  @JsonIgnore
  @Override
  public boolean hasFailures() {
    return !failures().isEmpty() || (permissions != null && !permissions.passed());
  }

  @JsonIgnore
  @Override
  public boolean retryFailures() {
    return eventBridge && sweep == null && !failures().isEmpty();
  }

  /** One line naming every failed instance and why, for an exception message or stderr. */
  @JsonIgnore
  @Override
  public String failureSummary() {
    if (permissions != null && !permissions.passed()) {
      return "permissions check " + permissions.failureSummary();
    }
    return failures().stream()
        .map(r -> r.instanceId() + ": " + r.reason())
        .collect(Collectors.joining("; ", failures().size() + " instance(s) failed: ", ""));
  }
}
