package io.github.eksnoderemediator.eni;

import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.config.Waits;
import io.github.eksnoderemediator.eni.EniInstanceResult.Subject;
import io.github.eksnoderemediator.eni.EniPlanner.Selection;
import io.github.eksnoderemediator.port.Ec2CallException;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.port.NetworkGateway;
import io.github.eksnoderemediator.port.NetworkInstance;
import io.github.eksnoderemediator.wait.BoundedWait;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Brings one instance's secondary interfaces to what its profiles want: describe the instance and
 * our interfaces, plan ({@link EniPlanner}, pure), make the plan's writes ({@link StepExecutor}),
 * and look again until every profile is settled or the bounded wait ({@code
 * eni.waits.reconcileSeconds}) is spent ({@link ReconcileRun}); the report is built from what the
 * run saw and did ({@link EniResults}).
 *
 * <p>Looking again is how duplicates, concurrency and crashes converge: every round starts from
 * what EC2 shows (corrected by this run's own writes, {@link RunMemory}), so a second invocation
 * finds the first one's interface by its ownership tags and finishes its work, and an attach that a
 * concurrent invocation won is read back as "already present". Expected outcomes are results;
 * nothing here throws for an EC2 failure.
 */
public final class EniReconciler {
  /** An untagged instance younger than this may still be waiting for its launcher's tags. */
  static final Duration YOUNG = Duration.ofMinutes(5);

  private final NetworkGateway ec2;
  private final EniPlanner planner;
  private final Waits waits;
  private final BoundedWait wait;
  private final Clock clock;
  private final ReconcileRun.Context runs;

  public EniReconciler(NetworkGateway ec2, RemediatorConfig config, BoundedWait wait, Clock clock) {
    this.ec2 = ec2;
    this.planner = new EniPlanner(config);
    this.waits = config.waits();
    this.wait = wait;
    this.clock = clock;
    this.runs =
        new ReconcileRun.Context(
            ec2, planner, wait, config.eni().waits().reconcile(), waits.firstBackoff(), clock);
  }

  /**
   * Describes the instance, waiting (bounded by {@code waits.notFoundSeconds}) for one EC2 does not
   * show yet right after launch, then reconciles it.
   */
  public EniInstanceResult reconcile(InstanceId id, boolean dryRun) {
    Optional<NetworkInstance> found;
    try {
      found =
          wait.until(
              () -> ec2.describeInstance(id),
              Optional::isPresent,
              waits.notFound(),
              waits.firstBackoff());
    } catch (Ec2CallException e) {
      return EniInstanceResult.about(id)
          .failed(Failure.ec2("DescribeInstances failed", e), List.of(), dryRun);
    }
    if (found.isEmpty()) {
      Failure notShown =
          new Failure.Unsettled(
              "EC2 does not show the instance after "
                  + waits.notFound().toSeconds()
                  + " s (InvalidInstanceID.NotFound); right after a launch EC2 is eventually consistent");
      return EniInstanceResult.about(id).failed(notShown, List.of(), dryRun);
    }
    NetworkInstance instance;
    try {
      instance = awaitLauncherTags(found.get());
    } catch (Ec2CallException e) {
      instance = found.get();
    }
    return reconcile(instance, dryRun);
  }

  /** Reconciles an instance already described (by the sweep's listing, say). */
  public EniInstanceResult reconcile(NetworkInstance instance, boolean dryRun) {
    Subject subject = EniInstanceResult.about(instance.id()).inState(instance.state().toString());
    return switch (planner.select(instance)) {
      case Selection.OutOfScope out ->
          subject
              .withNode(out.decision().node())
              .outOfScope(out.decision().why(), out.decision().reason(), dryRun);
      case Selection.NoProfile none ->
          subject.withNode(none.node()).skipped("no ENI profile matches this node", dryRun);
      case Selection.Matched matched -> new ReconcileRun(runs, instance, matched, dryRun).run();
    };
  }

  /**
   * Launchers tag at launch, but Auto Scaling's tag propagation can lag by seconds: a just-launched
   * instance with no tags at all is described again, bounded, before it is judged.
   */
  private NetworkInstance awaitLauncherTags(NetworkInstance instance) {
    if (!instance.tags().isEmpty()
        || instance.state().isGoingAway()
        || instance.launchTime() == null
        || instance.launchTime().isBefore(clock.instant().minus(YOUNG))) {
      return instance;
    }
    return wait.continueUntil(
            Optional.of(instance),
            () -> ec2.describeInstance(instance.id()),
            v -> v.isEmpty() || !v.get().tags().isEmpty(),
            waits.tagSettle(),
            waits.firstBackoff())
        .orElse(instance);
  }
}
