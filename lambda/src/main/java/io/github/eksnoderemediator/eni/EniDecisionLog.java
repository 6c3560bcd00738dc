package io.github.eksnoderemediator.eni;

/** Where the ENI function's decisions are recorded: one structured line per instance. */
@FunctionalInterface
public interface EniDecisionLog {
  /**
   * Records one instance's outcome.
   *
   * @param input what arrived, as the report names it
   * @param eventId the EventBridge event id, or null
   */
  void record(String input, String eventId, EniInstanceResult result);

  /**
   * Records that someone other than the function touched an interface: who, and what it touched.
   * Logs that do not care about it (tests) need not implement it.
   */
  default void touched(
      String input,
      String eventId,
      io.github.eksnoderemediator.report.Attribution by,
      String what) {}

  /**
   * Records an instance type whose profiles leave the VPC CNI no slot of its own ({@link
   * CniCapacity#warning()}), from the {@code eni-capacity} report. Logs that do not care about it
   * (tests) need not implement it.
   */
  default void cniCapacity(String input, CniCapacityReport.Row row) {}

  /**
   * Called once an invocation's (or a batch's) decisions are all recorded: a log that sends them
   * somewhere sends them now. Never throws.
   */
  default void flush() {}
}
