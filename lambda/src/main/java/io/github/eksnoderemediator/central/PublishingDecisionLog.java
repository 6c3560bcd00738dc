package io.github.eksnoderemediator.central;

import io.github.eksnoderemediator.report.DecisionLog;
import io.github.eksnoderemediator.report.InstanceResult;

/**
 * The IMDS function's decision log, with a copy of each decision the central view carries kept for
 * {@link DecisionEvents}: every decision already passes here once, so this is the one hook.
 */
public final class PublishingDecisionLog implements DecisionLog {
  private final DecisionLog lines;
  private final DecisionEvents events;

  public PublishingDecisionLog(DecisionLog lines, DecisionEvents events) {
    this.lines = lines;
    this.events = events;
  }

  @Override
  public void record(String input, String eventId, InstanceResult result) {
    lines.record(input, eventId, result);
    if (events.on()) {
      DecisionEvent.of(input, eventId, result).ifPresent(events::add);
    }
  }

  @Override
  public void flush() {
    events.publish();
  }
}
