package io.github.eksnoderemediator.eni;

import io.github.eksnoderemediator.events.Input;
import io.github.eksnoderemediator.events.Input.LaunchCall;
import io.github.eksnoderemediator.events.Input.ManualRequest;
import io.github.eksnoderemediator.events.Input.Scheduled;
import io.github.eksnoderemediator.events.Input.StateChange;
import io.github.eksnoderemediator.events.Input.Unsupported;
import io.github.eksnoderemediator.metrics.Metrics;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.port.InstanceState;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * What the ENI function does with each kind of input: a {@code running} instance and a launch call
 * are reconciled, a {@code shutting-down} or {@code terminated} one is cleaned up, a schedule runs
 * the sweep, a manual request reconciles the instances it names (or shows the plan, in a dry run).
 */
public final class EniService {
  private final EniReconciler reconciler;
  private final EniCleanup cleanup;
  private final EniSweep sweep;
  private final EniPermissionsCheck permissions;
  private final EniDecisionLog log;
  private final Metrics metrics;
  private final Clock clock;
  private final EniTamper tamper;

  public EniService(
      EniReconciler reconciler,
      EniCleanup cleanup,
      EniSweep sweep,
      EniPermissionsCheck permissions,
      EniDecisionLog log,
      Metrics metrics,
      Clock clock) {
    this(reconciler, cleanup, sweep, permissions, log, metrics, clock, null);
  }

  /**
   * @param tamper finds the node an interface call by someone else touched; null: such calls are
   *     ignored
   */
  public EniService(
      EniReconciler reconciler,
      EniCleanup cleanup,
      EniSweep sweep,
      EniPermissionsCheck permissions,
      EniDecisionLog log,
      Metrics metrics,
      Clock clock,
      EniTamper tamper) {
    this.tamper = tamper;
    this.reconciler = reconciler;
    this.cleanup = cleanup;
    this.sweep = sweep;
    this.permissions = permissions;
    this.log = log;
    this.metrics = metrics;
    this.clock = clock;
  }

  /**
   * Handles one input with no deadline (the local command, tests).
   *
   * @param forceDryRun write nothing, whatever the input says (the local command's {@code
   *     --dry-run})
   */
  public EniReport handle(Input input, boolean forceDryRun) {
    return handle(input, forceDryRun, Instant.MAX);
  }

  /**
   * Handles one input: reconciles, cleans up, sweeps or ignores it, and reports what it did.
   *
   * @param deadline stop starting new instances at this instant, to report before Lambda's timeout
   */
  public EniReport handle(Input input, boolean forceDryRun, Instant deadline) {
    try {
      return dispatch(input, forceDryRun, deadline);
    } finally {
      log.flush();
      metrics.flush();
    }
  }

  private EniReport dispatch(Input input, boolean forceDryRun, Instant deadline) {
    String what = input.description();
    return switch (input) {
      case StateChange s when s.state() == InstanceState.RUNNING ->
          each(
              input,
              s.eventId(),
              List.of(s.instanceId()),
              forceDryRun,
              deadline,
              reconciler::reconcile);
      case StateChange s when s.state().isGoingAway() ->
          each(
              input, s.eventId(), List.of(s.instanceId()), forceDryRun, deadline, cleanup::cleanUp);
      case StateChange s ->
          EniReport.ignored(
              what,
              s.eventId(),
              true,
              "state "
                  + s.state()
                  + " needs no ENI work: running reconciles, shutting-down and terminated clean up");
      case LaunchCall l when l.errorCode().isPresent() ->
          EniReport.ignored(
              what,
              l.eventId(),
              true,
              l.eventName() + " failed (" + l.errorCode().get() + "): it launched no instances");
      case LaunchCall l when l.instanceIds().isEmpty() ->
          EniReport.ignored(what, l.eventId(), true, l.eventName() + " launched no instances");
      // A still-pending instance refuses the attach: that is a retryable failure, and its running
      // event reconciles it anyway.
      case LaunchCall l ->
          each(input, l.eventId(), l.instanceIds(), forceDryRun, deadline, reconciler::reconcile);
      case ManualRequest m when m.target() instanceof ManualRequest.Target.PermissionsCheck ->
          EniReport.permissions(what, permissions.check());
      case ManualRequest m when m.target() instanceof ManualRequest.Target.EniCapacityReport ->
          cniCapacity(what);
      case ManualRequest m when m.instanceIds().isEmpty() ->
          EniReport.ignored(
              what, null, false, "the ENI function takes manual requests for instance ids only");
      case ManualRequest m ->
          each(
              input,
              null,
              m.instanceIds(),
              forceDryRun || m.dryRun(),
              deadline,
              reconciler::reconcile);
      case Scheduled s -> sweep(input, s.eventId(), forceDryRun, deadline);
      case Input.InterfaceChanged c when c.errorCode().isPresent() ->
          EniReport.ignored(
              what,
              c.eventId(),
              true,
              c.eventName()
                  + " by "
                  + c.by().describe()
                  + " failed ("
                  + c.errorCode().get()
                  + "): nothing changed");
      case Input.InterfaceChanged c when tamper != null -> touched(input, c, forceDryRun, deadline);
      // Without tamper rules configured, an interface change is not this function's business.
      case Input.InterfaceChanged c ->
          EniReport.ignored(what, c.eventId(), true, "not handled by the ENI function");
      case Input.MetadataOptionsChanged c ->
          EniReport.ignored(what, c.eventId(), true, "not handled by the ENI function");
      case Unsupported u -> EniReport.ignored(what, u.eventId(), true, u.reason());
    };
  }

  private EniReport each(
      Input input,
      String eventId,
      List<InstanceId> ids,
      boolean dryRun,
      Instant deadline,
      BiFunction<InstanceId, Boolean, EniInstanceResult> work) {
    List<EniInstanceResult> results = new ArrayList<>(ids.size());
    for (InstanceId id : ids) {
      EniInstanceResult result =
          clock.instant().isBefore(deadline)
              ? work.apply(id, dryRun)
              : EniInstanceResult.about(id)
                  .failed(
                      new Failure.Unsettled("not reached before the invocation's time ran out"),
                      List.of(),
                      dryRun);
      record(input, eventId, result);
      results.add(result);
    }
    return EniReport.of(
        input.description(), eventId, input.fromEventBridge(), dryRun, results, null);
  }

  /**
   * Someone else detached, deleted or changed an interface: if it is ours, reconcile its node at
   * once (or, for a deleted one that left no trace, every node, as the sweep does), and name them.
   */
  private EniReport touched(
      Input input, Input.InterfaceChanged c, boolean dryRun, Instant deadline) {
    EniTamper.Touched touched;
    try {
      touched = tamper.find(c);
    } catch (io.github.eksnoderemediator.port.Ec2CallException e) {
      // Lambda retries the event; the sweep catches it otherwise.
      throw new IllegalStateException(
          "cannot tell which node "
              + c.eventName()
              + " touched: "
              + e.errorCode()
              + ": "
              + e.getMessage(),
          e);
    }
    EniReport report =
        switch (touched) {
          case EniTamper.Touched.NotOurs n ->
              EniReport.ignored(
                  input.description(),
                  c.eventId(),
                  true,
                  c.eventName() + " by " + c.by().describe() + ": " + n.why());
          case EniTamper.Touched.Nodes n ->
              each(input, c.eventId(), n.instances(), dryRun, deadline, reconciler::reconcile);
          case EniTamper.Touched.Untraceable u -> sweep(input, c.eventId(), dryRun, deadline);
        };
    String what =
        switch (touched) {
          case EniTamper.Touched.NotOurs n -> n.why();
          case EniTamper.Touched.Nodes n -> n.how();
          case EniTamper.Touched.Untraceable u ->
              u.why() + ": every node checked, as the sweep does";
        };
    if (!(touched instanceof EniTamper.Touched.NotOurs) && !dryRun) {
      metrics.count(
          report.results().isEmpty() ? null : report.results().get(0).cluster(),
          Metrics.INTERFACES_TOUCHED,
          1);
    }
    log.touched(input.description(), c.eventId(), c.by(), what);
    return report.attributed(c.by(), what);
  }

  private EniReport cniCapacity(String what) {
    CniCapacityReport.Capacity capacity = sweep.cniCapacity();
    capacity.warnings().forEach(row -> log.cniCapacity(what, row));
    return EniReport.capacity(what, capacity);
  }

  private EniReport sweep(Input input, String eventId, boolean dryRun, Instant deadline) {
    EniSweep.SweepResult swept = sweep.sweep(dryRun, deadline);
    swept.results().forEach(r -> record(input, eventId, r));
    return EniReport.of(
        input.description(),
        eventId,
        input.fromEventBridge(),
        dryRun,
        swept.results(),
        swept.summary());
  }

  private void record(Input input, String eventId, EniInstanceResult result) {
    log.record(input.description(), eventId, result);
    if (result.dryRun()) {
      return;
    }
    for (EniResult eni : result.interfaces()) {
      switch (eni.decision()) {
        case CREATED -> {
          metrics.count(result.cluster(), Metrics.ENIS_CREATED, 1);
          metrics.count(result.cluster(), Metrics.ENIS_ATTACHED, 1);
        }
        case ATTACHED -> metrics.count(result.cluster(), Metrics.ENIS_ATTACHED, 1);
        case DELETED -> metrics.count(result.cluster(), Metrics.ENIS_DELETED, 1);
        case FAILED -> metrics.count(result.cluster(), Metrics.ENIS_FAILED, 1);
        default -> {}
      }
    }
  }
}
