package io.github.eksnoderemediator.eni;

/** Where the ENI function's decisions are recorded: one structured line per instance. */
@FunctionalInterface
public interface EniDecisionLog {
  /**
   * @param input what arrived, as the report names it
   * @param eventId the EventBridge event id, or null
   */
  void record(String input, String eventId, EniInstanceResult result);
}
