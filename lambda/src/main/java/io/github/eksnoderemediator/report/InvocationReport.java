package io.github.eksnoderemediator.report;

/** What the handlers and the local command need from either function's report. */
public interface InvocationReport {
  /** True when some instance failed. */
  boolean hasFailures();

  /**
   * True when failures should make Lambda retry the invocation: an EventBridge event about
   * particular instances, not a sweep (the next sweep comes anyway) and not a manual call.
   */
  boolean retryFailures();

  /** One line naming every failed instance and why. */
  String failureSummary();
}
