package io.github.eksnoderemediator.report;

/** Where decisions are recorded: one structured line each. */
@FunctionalInterface
public interface DecisionLog {
  /**
   * Records one instance's outcome.
   *
   * @param input what arrived, as the report names it
   * @param eventId the EventBridge event id, or null
   */
  void record(String input, String eventId, InstanceResult result);

  /**
   * Called once an invocation's (or a batch's) decisions are all recorded: a log that sends them
   * somewhere sends them now. Never throws.
   */
  default void flush() {}
}
