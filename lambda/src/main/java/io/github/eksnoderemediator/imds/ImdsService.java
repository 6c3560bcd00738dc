package io.github.eksnoderemediator.imds;

import io.github.eksnoderemediator.config.SweepConfig;
import io.github.eksnoderemediator.drift.DriftReport;
import io.github.eksnoderemediator.drift.DriftReporter;
import io.github.eksnoderemediator.events.Input;
import io.github.eksnoderemediator.events.Input.LaunchCall;
import io.github.eksnoderemediator.events.Input.ManualRequest;
import io.github.eksnoderemediator.events.Input.ManualRequest.Target;
import io.github.eksnoderemediator.events.Input.MetadataOptionsChanged;
import io.github.eksnoderemediator.events.Input.Scheduled;
import io.github.eksnoderemediator.events.Input.StateChange;
import io.github.eksnoderemediator.events.Input.Unsupported;
import io.github.eksnoderemediator.events.QueuedInput;
import io.github.eksnoderemediator.metrics.Metrics;
import io.github.eksnoderemediator.node.NodeSelector;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.port.InstanceState;
import io.github.eksnoderemediator.report.Attribution;
import io.github.eksnoderemediator.report.BatchReport;
import io.github.eksnoderemediator.report.Decision;
import io.github.eksnoderemediator.report.DecisionLog;
import io.github.eksnoderemediator.report.InstanceResult;
import io.github.eksnoderemediator.report.Report;
import io.github.eksnoderemediator.wait.WritePacer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** What the IMDS function does with each kind of input. */
public final class ImdsService {
  private final ImdsRemediator remediator;
  private final ImdsSweep sweep;
  private final DriftReporter drift;
  private final ImdsPermissionsCheck permissions;
  private final SweepConfig pacing;
  private final DecisionLog log;
  private final Metrics metrics;
  private final WritePacer queuePacer;
  private final FindingsResolver findings;

  /**
   * A service that tells Security Hub nothing.
   *
   * @param queuePacer paces the writes of queue batches: this execution environment's part of the
   *     account's ModifyInstanceMetadataOptions bucket, shared with the other environments through
   *     throttling ({@link io.github.eksnoderemediator.wait.AdaptiveWritePacer}), kept across
   *     invocations
   */
  public ImdsService(
      ImdsRemediator remediator,
      ImdsSweep sweep,
      DriftReporter drift,
      ImdsPermissionsCheck permissions,
      SweepConfig pacing,
      DecisionLog log,
      Metrics metrics,
      WritePacer queuePacer) {
    this(
        remediator,
        sweep,
        drift,
        permissions,
        pacing,
        log,
        metrics,
        queuePacer,
        FindingsResolver.off());
  }

  /**
   * @param queuePacer paces the writes of queue batches: this execution environment's part of the
   *     account's ModifyInstanceMetadataOptions bucket, shared with the other environments through
   *     throttling ({@link io.github.eksnoderemediator.wait.AdaptiveWritePacer}), kept across
   *     invocations
   * @param findings resolves the Security Hub findings of the nodes an invocation hardened, at its
   *     end
   */
  public ImdsService(
      ImdsRemediator remediator,
      ImdsSweep sweep,
      DriftReporter drift,
      ImdsPermissionsCheck permissions,
      SweepConfig pacing,
      DecisionLog log,
      Metrics metrics,
      WritePacer queuePacer,
      FindingsResolver findings) {
    this.findings = findings;
    this.remediator = remediator;
    this.sweep = sweep;
    this.drift = drift;
    this.permissions = permissions;
    this.pacing = pacing;
    this.log = log;
    this.metrics = metrics;
    this.queuePacer = queuePacer;
  }

  /** Handles one input with no deadline: the local command. */
  public Report handle(Input input, boolean forceDryRun) {
    return handle(input, forceDryRun, Instant.MAX);
  }

  /**
   * @param forceDryRun write nothing, whatever the input says (the local command's {@code
   *     --dry-run})
   * @param deadline when a sweep must stop starting new nodes (the invocation's time runs out)
   */
  public Report handle(Input input, boolean forceDryRun, Instant deadline) {
    Report report = null;
    try {
      report = dispatch(input, forceDryRun, deadline);
      return report;
    } finally {
      log.flush();
      finish(report == null ? List.of() : report.results(), deadline);
    }
  }

  /**
   * Handles a batch from the launch queue: every instance its events name, each once, read
   * together, decided, then written as this worker's pacer allows within the account's write
   * budget. Every instance gets its decision log line and metrics as if its event had come alone.
   * Other inputs in the batch (a state the function ignores, a manual payload put on the queue by
   * hand) are handled one by one, as a direct invocation would.
   *
   * @param forceDryRun write nothing (the local command's {@code --dry-run})
   * @param deadline when to stop starting writes: the messages of instances not reached by then are
   *     returned, to be delivered again, and re-read then
   * @return the ids of the messages to deliver again (a failed or unreached instance returns every
   *     message that named it), and one report of every instance the batch reached
   */
  public BatchReport<Report> handleBatch(
      List<QueuedInput> batch, boolean forceDryRun, Instant deadline) {
    List<InstanceResult> results = new ArrayList<>();
    Set<String> again = new LinkedHashSet<>();
    try {
      Map<InstanceId, List<QueuedInput>> byInstance = new LinkedHashMap<>();
      for (QueuedInput item : batch) {
        List<InstanceId> ids = launched(item.input());
        if (ids == null) {
          Report report = dispatch(item.input(), forceDryRun, deadline);
          results.addAll(report.results());
          if (report.retryFailures()) {
            again.add(item.messageId());
          }
          continue;
        }
        ids.forEach(id -> byInstance.computeIfAbsent(id, k -> new ArrayList<>()).add(item));
      }
      if (!byInstance.isEmpty()) {
        handleLaunches(byInstance, forceDryRun, deadline, results, again);
      }
      return new BatchReport<>(
          again,
          List.of(
              Report.of(
                  "launch queue batch of " + batch.size() + " message(s)",
                  null,
                  true,
                  forceDryRun,
                  results)));
    } finally {
      log.flush();
      finish(results, deadline);
    }
  }

  /** The batch's launched instances, read, decided and written together. */
  private void handleLaunches(
      Map<InstanceId, List<QueuedInput>> byInstance,
      boolean forceDryRun,
      Instant deadline,
      List<InstanceResult> results,
      Set<String> again) {
    ImdsRemediator.BatchOutcome outcome =
        remediator.remediateAll(byInstance.keySet(), forceDryRun, queuePacer, deadline);
    results.addAll(outcome.results());
    for (InstanceResult result : outcome.results()) {
      List<QueuedInput> items = byInstance.get(new InstanceId(result.instanceId()));
      QueuedInput first = items.get(0);
      record(first.input(), eventId(first.input()), result, true);
      if (result.decision() == Decision.FAILED) {
        items.forEach(i -> again.add(i.messageId()));
      }
    }
    outcome.notReached().forEach(id -> byInstance.get(id).forEach(i -> again.add(i.messageId())));
  }

  /** The instances an event asks to remediate, or null for an input that is not such an event. */
  private static List<InstanceId> launched(Input input) {
    return switch (input) {
      case StateChange s
          when s.state() == InstanceState.PENDING || s.state() == InstanceState.RUNNING ->
          List.of(s.instanceId());
      case LaunchCall l when l.errorCode().isEmpty() && !l.instanceIds().isEmpty() ->
          l.instanceIds();
      case StateChange s -> null;
      case LaunchCall l -> null;
      case Input.MetadataOptionsChanged m -> null;
      case Input.InterfaceChanged i -> null;
      case ManualRequest m -> null;
      case Scheduled s -> null;
      case Unsupported u -> null;
    };
  }

  private static String eventId(Input input) {
    return switch (input) {
      case StateChange s -> s.eventId();
      case LaunchCall l -> l.eventId();
      default -> null;
    };
  }

  private Report dispatch(Input input, boolean forceDryRun, Instant deadline) {
    return switch (input) {
      case StateChange s
          when s.state() == InstanceState.PENDING || s.state() == InstanceState.RUNNING ->
          remediate(input, s.eventId(), List.of(s.instanceId()), forceDryRun, Optional.empty());
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
      case LaunchCall l ->
          remediate(input, l.eventId(), l.instanceIds(), forceDryRun, l.launchedBy());
      case MetadataOptionsChanged c when c.errorCode().isPresent() ->
          Report.ignored(
              input.description(),
              c.eventId(),
              true,
              "ModifyInstanceMetadataOptions by "
                  + c.by().describe()
                  + " failed ("
                  + c.errorCode().get()
                  + "): nothing changed");
      case MetadataOptionsChanged c -> changedByOthers(c, forceDryRun);
      case Input.InterfaceChanged c ->
          Report.ignored(
              input.description(),
              c.eventId(),
              true,
              "network interfaces are the ENI function's; the IMDS function does nothing with them");
      case ManualRequest m -> manual(m, forceDryRun || m.dryRun(), deadline);
      case Scheduled s -> {
        Report report = sweep(input, s.eventId(), Optional.empty(), forceDryRun, deadline, false);
        if (report.sweep().notReached() == 0) {
          // What `verify` reads as the last sweep's time: a sweep that timed out or threw has none.
          metrics.count(null, Metrics.SWEEPS_COMPLETED, 1);
        }
        yield report.with(report.sweep(), driftReport());
      }
      case Unsupported u -> Report.ignored(input.description(), u.eventId(), true, u.reason());
    };
  }

  /**
   * Someone else changed a node's options: check it at once, with the same scope and policy as any
   * event, and name them in the report, the log line and (when it had to be undone) a metric.
   */
  private Report changedByOthers(MetadataOptionsChanged c, boolean dryRun) {
    InstanceResult result = remediator.remediate(c.instanceId(), dryRun);
    String prefix =
        switch (result.decision()) {
          case CHANGED, DEFERRED, FAILED ->
              "loosened by " + c.by().describe() + " at " + c.by().eventTime() + "; ";
          case COMPLIANT, SKIPPED -> "options changed by " + c.by().describe() + "; ";
        };
    InstanceResult attributed = result.attributed(c.by(), prefix);
    record(c, c.eventId(), attributed, true);
    if (!dryRun
        && (result.decision() == Decision.CHANGED
            || result.decision() == Decision.DEFERRED
            || result.decision() == Decision.FAILED)) {
      metrics.count(result.cluster(), Metrics.NODES_LOOSENED, 1);
    }
    return Report.of(c.description(), c.eventId(), true, dryRun, List.of(attributed));
  }

  private Report manual(ManualRequest m, boolean dryRun, Instant deadline) {
    return switch (m.target()) {
      case Target.Instances i -> remediate(m, null, i.ids(), dryRun, Optional.empty());
      case Target.Nodes n -> sweep(m, null, Optional.of(n.selector()), dryRun, deadline, true);
      case Target.DriftReport d ->
          Report.of(m.description(), null, false, false, List.of()).with(null, driftReport());
      case Target.PermissionsCheck c -> Report.permissions(m.description(), permissions.check());
      case Target.EniCapacityReport c ->
          Report.ignored(
              m.description(),
              null,
              false,
              "the eni-capacity report is the ENI function's: invoke that function with it");
    };
  }

  /**
   * @param launchedBy who launched the instances, when the event says: a node that had to be
   *     hardened is reported with its launcher and launch template, so the weak source can be fixed
   */
  private Report remediate(
      Input input,
      String eventId,
      List<InstanceId> ids,
      boolean dryRun,
      Optional<Attribution> launchedBy) {
    List<InstanceResult> results = new ArrayList<>(ids.size());
    for (InstanceId id : ids) {
      InstanceResult result = remediator.remediate(id, dryRun);
      if (launchedBy.isPresent() && result.decision() == Decision.CHANGED) {
        Attribution by = launchedBy.get();
        result =
            result.attributed(
                by,
                "launched weak by "
                    + by.describe()
                    + (by.requested() == null ? "" : ", " + by.requested())
                    + "; ");
      }
      record(input, eventId, result, true);
      results.add(result);
    }
    return Report.of(input.description(), eventId, input.fromEventBridge(), dryRun, results);
  }

  /**
   * @param logCompliant false for the scheduled sweep: a compliant node is counted, not logged, so
   *     a fleet of thousands does not write thousands of lines every 15 minutes
   */
  private Report sweep(
      Input input,
      String eventId,
      Optional<NodeSelector> selector,
      boolean dryRun,
      Instant deadline,
      boolean logCompliant) {
    WritePacer pacer = dryRun ? WritePacer.UNPACED : WritePacer.of(pacing);
    ImdsSweep.Outcome outcome = sweep.sweep(selector, dryRun, pacer, deadline);
    outcome
        .results()
        .forEach(
            r -> record(input, eventId, r, logCompliant || r.decision() != Decision.COMPLIANT));
    return Report.of(
            input.description(), eventId, input.fromEventBridge(), dryRun, outcome.results())
        .with(
            new Report.SweepSummary(outcome.pages(), outcome.listed(), outcome.notReached()), null);
  }

  private DriftReport driftReport() {
    DriftReport report = drift.report();
    report
        .clusters()
        .forEach(
            c ->
                metrics.count(
                    c.cluster(),
                    Metrics.DRIFTING_NODE_GROUPS,
                    c.nodeGroups().stream().filter(g -> g.drifting()).count()));
    return report;
  }

  /**
   * Ends an invocation: Security Hub hears of the nodes it hardened (best effort, never failing the
   * invocation), then the metrics are written.
   */
  private void finish(List<InstanceResult> results, Instant deadline) {
    try {
      findings.resolve(results, deadline);
    } finally {
      metrics.flush();
    }
  }

  private void record(Input input, String eventId, InstanceResult result, boolean logIt) {
    if (logIt) {
      log.record(input.description(), eventId, result);
    }
    if (!result.dryRun()) {
      metrics.count(result.cluster(), metricFor(result.decision()), 1);
      if (result.decision() == Decision.CHANGED
          && result.imdsV1() != null
          && result.imdsV1().calls() != null
          && result.imdsV1().calls() > 0) {
        metrics.count(result.cluster(), Metrics.NODES_ENFORCED_WITH_IMDSV1_USE, 1);
      }
    }
  }

  private static String metricFor(Decision decision) {
    return switch (decision) {
      case CHANGED -> Metrics.NODES_REMEDIATED;
      case COMPLIANT -> Metrics.NODES_COMPLIANT;
      case DEFERRED -> Metrics.NODES_DEFERRED;
      case SKIPPED -> Metrics.NODES_SKIPPED;
      case FAILED -> Metrics.NODES_FAILED;
    };
  }
}
