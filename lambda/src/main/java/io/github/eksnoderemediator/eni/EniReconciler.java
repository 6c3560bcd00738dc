package io.github.eksnoderemediator.eni;

import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.config.Waits;
import io.github.eksnoderemediator.eni.EniInstanceResult.Subject;
import io.github.eksnoderemediator.eni.EniPlanner.Selection;
import io.github.eksnoderemediator.node.InstanceLookup;
import io.github.eksnoderemediator.port.Ec2CallException;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.port.NetworkGateway;
import io.github.eksnoderemediator.port.NetworkInstance;
import io.github.eksnoderemediator.wait.BoundedWait;
import java.time.Clock;
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
  private final EniPlanner planner;
  private final InstanceLookup<NetworkInstance> lookup;
  private final ReconcileRun.Context runs;

  public EniReconciler(NetworkGateway ec2, RemediatorConfig config, BoundedWait wait, Clock clock) {
    Waits waits = config.waits();
    this.planner = new EniPlanner(config);
    this.lookup = new InstanceLookup<>(ec2::describeInstance, waits, wait, clock);
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
      found = lookup.find(id);
    } catch (Ec2CallException e) {
      return EniInstanceResult.about(id)
          .failed(Failure.ec2("DescribeInstances failed", e), List.of(), dryRun);
    }
    if (found.isEmpty()) {
      return EniInstanceResult.about(id)
          .failed(new Failure.Unsettled(lookup.notShown()), List.of(), dryRun);
    }
    NetworkInstance instance;
    try {
      instance = lookup.awaitLauncherTags(found.get());
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
}
