package io.github.eksnoderemediator.imds;

import io.github.eksnoderemediator.events.Input;
import io.github.eksnoderemediator.events.Input.LaunchCall;
import io.github.eksnoderemediator.events.Input.ManualRequest;
import io.github.eksnoderemediator.events.Input.Scheduled;
import io.github.eksnoderemediator.events.Input.StateChange;
import io.github.eksnoderemediator.events.Input.Unsupported;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.report.DecisionLog;
import io.github.eksnoderemediator.report.InstanceResult;
import io.github.eksnoderemediator.report.Report;
import java.util.ArrayList;
import java.util.List;

/** What the IMDS function does with each kind of input. */
public final class ImdsService {
  private final ImdsRemediator remediator;
  private final DecisionLog log;

  public ImdsService(ImdsRemediator remediator, DecisionLog log) {
    this.remediator = remediator;
    this.log = log;
  }

  /**
   * @param forceDryRun write nothing, whatever the input says (the local command's {@code
   *     --dry-run})
   */
  public Report handle(Input input, boolean forceDryRun) {
    return switch (input) {
      case StateChange s when "pending".equals(s.state()) || "running".equals(s.state()) ->
          remediate(input, s.eventId(), List.of(s.instanceId()), forceDryRun);
      case StateChange s ->
          Report.ignored(
              input.description(),
              s.eventId(),
              true,
              "state " + s.state() + " needs no IMDS remediation");
      case LaunchCall l when l.errorCode().isPresent() ->
          Report.ignored(
              input.description(),
              l.eventId(),
              true,
              l.eventName() + " failed (" + l.errorCode().get() + "): it launched no instances");
      case LaunchCall l when l.instanceIds().isEmpty() ->
          Report.ignored(
              input.description(), l.eventId(), true, l.eventName() + " launched no instances");
      case LaunchCall l -> remediate(input, l.eventId(), l.instanceIds(), forceDryRun);
      case ManualRequest m -> remediate(input, null, m.instanceIds(), forceDryRun || m.dryRun());
      case Scheduled s ->
          Report.ignored(
              input.description(), s.eventId(), true, "the IMDS function has no scheduled work");
      case Unsupported u -> Report.ignored(input.description(), u.eventId(), true, u.reason());
    };
  }

  private Report remediate(Input input, String eventId, List<InstanceId> ids, boolean dryRun) {
    List<InstanceResult> results = new ArrayList<>(ids.size());
    for (InstanceId id : ids) {
      InstanceResult result = remediator.remediate(id, dryRun);
      log.record(input.description(), eventId, result);
      results.add(result);
    }
    return Report.of(input.description(), eventId, input.fromEventBridge(), dryRun, results);
  }
}
