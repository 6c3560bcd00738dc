package io.github.eksnoderemediator.eni;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.github.eksnoderemediator.check.PermissionsReport;
import io.github.eksnoderemediator.report.InvocationReport;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What one invocation of the ENI function did: the JSON it returns and the local command prints.
 *
 * @param input what arrived, e.g. {@code EC2 state change to running} or {@code scheduled sweep}
 * @param eventId the EventBridge event id, for events
 * @param eventBridge true when EventBridge delivered the input
 * @param dryRun true when the invocation wrote nothing on purpose
 * @param ignored why the input needed no work, when it needed none
 * @param results one entry per instance, in input order (a sweep lists only instances it acted on
 *     or failed on)
 * @param summary how many interfaces (or instances, for instance-level decisions) got each decision
 * @param sweep for a sweep: what it looked at
 * @param caller who touched an interface, for a CloudTrail event about one
 * @param touched what that call touched, and how the function found the node
 * @param permissions for a permissions check: each dry-run request and its verdict
 * @param capacity for {@code {"report": "eni-capacity"}}: what the profiles leave to the VPC CNI
 *     per instance type, and the max-pods value to set
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EniReport(
    String input,
    String eventId,
    boolean eventBridge,
    boolean dryRun,
    String ignored,
    List<EniInstanceResult> results,
    Map<String, Long> summary,
    SweepSummary sweep,
    io.github.eksnoderemediator.report.Attribution caller,
    String touched,
    PermissionsReport permissions,
    CniCapacityReport.Capacity capacity)
    implements InvocationReport {

  public EniReport {
    results = List.copyOf(results);
  }

  /**
   * What a sweep found and did, in counts.
   *
   * @param ourInterfaces interfaces carrying our ownership tag in the account and Region
   * @param nodesChecked running nodes in scope with at least one matching profile
   * @param nodesReconciled of those, the ones missing an interface, which were reconciled
   * @param notReached nodes or instances left for the next sweep because time ran out
   */
  public record SweepSummary(
      int ourInterfaces, int nodesChecked, int nodesReconciled, int notReached) {}

  public static EniReport ignored(
      String input, String eventId, boolean eventBridge, String reason) {
    return new EniReport(
        input,
        eventId,
        eventBridge,
        false,
        reason,
        List.of(),
        Map.of(),
        null,
        null,
        null,
        null,
        null);
  }

  public static EniReport of(
      String input,
      String eventId,
      boolean eventBridge,
      boolean dryRun,
      List<EniInstanceResult> results,
      SweepSummary sweep) {
    Map<String, Long> summary = new TreeMap<>();
    for (EniInstanceResult r : results) {
      if (r.interfaces().isEmpty()) {
        summary.merge(r.decision().label(), 1L, Long::sum);
      }
      r.interfaces().forEach(i -> summary.merge(i.decision().label(), 1L, Long::sum));
    }
    return new EniReport(
        input, eventId, eventBridge, dryRun, null, results, summary, sweep, null, null, null, null);
  }

  /** This report with the caller of the call that brought it, and what that call touched. */
  public EniReport attributed(io.github.eksnoderemediator.report.Attribution by, String what) {
    return new EniReport(
        input,
        eventId,
        eventBridge,
        dryRun,
        ignored,
        results,
        summary,
        sweep,
        by,
        what,
        null,
        null);
  }

  /** The report of a permissions check. */
  public static EniReport permissions(String input, PermissionsReport permissions) {
    return new EniReport(
        input, null, false, false, null, List.of(), Map.of(), null, null, null, permissions, null);
  }

  /** The report of {@code {"report": "eni-capacity"}}. */
  public static EniReport capacity(String input, CniCapacityReport.Capacity capacity) {
    return new EniReport(
        input, null, false, false, null, List.of(), Map.of(), null, null, null, null, capacity);
  }

  @JsonIgnore
  public List<EniInstanceResult> failures() {
    return results.stream().filter(EniInstanceResult::failed).toList();
  }

  /**
   * True when failures should make Lambda retry the invocation: an event about particular
   * instances. A sweep's failures are not retried (the next sweep comes anyway).
   */
  @JsonIgnore
  @Override
  public boolean hasFailures() {
    return !failures().isEmpty()
        || (permissions != null && !permissions.passed())
        || (capacity != null && !capacity.failures().isEmpty());
  }

  /**
   * Whether Lambda retries this invocation, the whole rule: an EventBridge event (not a sweep, not
   * a manual call) with at least one failed instance. A failure's own {@code retryable} ({@link
   * Failure#retryable()}) does not change it: the invocation fails either way, so an event whose
   * failure a retry cannot fix still ends in the failure queue, where its alarm sees it.
   */
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
    if (capacity != null && !capacity.failures().isEmpty()) {
      return "eni-capacity report: " + String.join("; ", capacity.failures());
    }
    return failures().stream()
        .map(r -> (r.instanceId() == null ? "sweep" : r.instanceId()) + ": " + r.failureReason())
        .collect(Collectors.joining("; ", failures().size() + " instance(s) failed: ", ""));
  }
}
