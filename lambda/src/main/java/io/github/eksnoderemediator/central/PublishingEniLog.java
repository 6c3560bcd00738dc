package io.github.eksnoderemediator.central;

import io.github.eksnoderemediator.eni.EniDecisionLog;
import io.github.eksnoderemediator.eni.EniInstanceResult;
import io.github.eksnoderemediator.report.Attribution;

/**
 * The ENI function's decision log, with a copy of each decision the central view carries (writes,
 * failures, interfaces touched by others) kept for {@link DecisionEvents}.
 */
public final class PublishingEniLog implements EniDecisionLog {
  private final EniDecisionLog lines;
  private final DecisionEvents events;

  public PublishingEniLog(EniDecisionLog lines, DecisionEvents events) {
    this.lines = lines;
    this.events = events;
  }

  @Override
  public void record(String input, String eventId, EniInstanceResult result) {
    lines.record(input, eventId, result);
    if (events.on()) {
      DecisionEvent.of(input, eventId, result).ifPresent(events::add);
    }
  }

  @Override
  public void touched(String input, String eventId, Attribution by, String what) {
    lines.touched(input, eventId, by, what);
    if (events.on()) {
      events.add(DecisionEvent.touched(input, eventId, by, what));
    }
  }

  @Override
  public void cniCapacity(String input, io.github.eksnoderemediator.eni.CniCapacityReport.Row row) {
    lines.cniCapacity(input, row);
  }

  @Override
  public void flush() {
    events.publish();
  }
}
