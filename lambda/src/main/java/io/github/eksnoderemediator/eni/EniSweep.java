package io.github.eksnoderemediator.eni;

import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.eni.CleanupPolicy.Cleanup;
import io.github.eksnoderemediator.eni.EniPlanner.Selection;
import io.github.eksnoderemediator.port.Ec2CallException;
import io.github.eksnoderemediator.port.EniView;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.port.NetworkGateway;
import io.github.eksnoderemediator.port.NetworkInstance;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The scheduled sweep. First the leftovers: every interface carrying our ownership tag (one
 * tag-filtered, paginated listing) whose instance is gone or no longer matches its profile is
 * deleted once it is older than the grace period ({@link CleanupPolicy#inSweep}). Then the gaps:
 * running nodes of the profiles' clusters (DescribeInstances with tag and state filters, paginated)
 * that the planner does not call complete ({@link EniPlanner#complete}: an interface missing, a
 * setting off, a spare of ours left) are reconciled, exactly as their {@code running} event would
 * have been. An interface without our ownership tag is never touched.
 */
public final class EniSweep {
  private final NetworkGateway ec2;
  private final EniReconciler reconciler;
  private final EniJanitor janitor;
  private final EniPlanner planner;
  private final RemediatorConfig config;
  private final Clock clock;

  public EniSweep(
      NetworkGateway ec2,
      EniReconciler reconciler,
      EniJanitor janitor,
      RemediatorConfig config,
      Clock clock) {
    this.ec2 = ec2;
    this.reconciler = reconciler;
    this.janitor = janitor;
    this.planner = new EniPlanner(config);
    this.config = config;
    this.clock = clock;
  }

  /** What one sweep did. */
  public record SweepResult(List<EniInstanceResult> results, EniReport.SweepSummary summary) {}

  /** What one sweep has done so far. */
  private static final class Tally {
    final List<EniInstanceResult> results = new ArrayList<>();
    int notReached;
    int checked;
    int reconciled;

    SweepResult result(int ourInterfaces) {
      return new SweepResult(
          results, new EniReport.SweepSummary(ourInterfaces, checked, reconciled, notReached));
    }
  }

  /**
   * Runs one sweep: the leftovers first, then the gaps.
   *
   * @param deadline stop starting new work at this instant (Lambda's remaining time)
   */
  public SweepResult sweep(boolean dryRun, Instant deadline) {
    Tally tally = new Tally();
    List<EniView> ours;
    Map<InstanceId, NetworkInstance> instances = new TreeMap<>();
    try {
      ours =
          ec2.listEnisByTag(EniTags.PROFILE, Optional.empty()).stream()
              .filter(EniTags::isOurs)
              .toList();
      Set<InstanceId> tagged = new TreeSet<>();
      ours.forEach(e -> EniTags.instance(e).ifPresent(tagged::add));
      if (!tagged.isEmpty()) {
        ec2.describeInstances(tagged).forEach(i -> instances.put(i.id(), i));
      }
    } catch (Ec2CallException e) {
      tally.results.add(
          EniInstanceResult.sweepFailed(Failure.ec2("listing our interfaces failed", e), dryRun));
      return tally.result(0);
    }
    cleanLeftovers(ours, instances, dryRun, deadline, tally);
    try {
      reconcileGaps(ProfileLookups.runningNodes(ec2, config), ours, dryRun, deadline, tally);
    } catch (Ec2CallException e) {
      tally.results.add(
          EniInstanceResult.sweepFailed(Failure.ec2("listing running nodes failed", e), dryRun));
    }
    return tally.result(ours.size());
  }

  /** Leftovers, grouped by the instance they were created for. */
  private void cleanLeftovers(
      List<EniView> ours,
      Map<InstanceId, NetworkInstance> instances,
      boolean dryRun,
      Instant deadline,
      Tally tally) {
    Map<String, List<EniView>> byInstance = new LinkedHashMap<>();
    for (EniView eni : ours) {
      byInstance
          .computeIfAbsent(
              EniTags.instance(eni).map(InstanceId::value).orElse(""), k -> new ArrayList<>())
          .add(eni);
    }
    Instant now = clock.instant();
    Duration grace = config.eni().sweepGrace();
    for (Map.Entry<String, List<EniView>> group : byInstance.entrySet()) {
      Optional<InstanceId> id =
          InstanceId.isValid(group.getKey())
              ? Optional.of(new InstanceId(group.getKey()))
              : Optional.empty();
      Optional<NetworkInstance> instance = id.map(instances::get);
      List<EniResult> acted = new ArrayList<>();
      for (EniView eni : group.getValue()) {
        Cleanup cleanup =
            CleanupPolicy.inSweep(eni, instance, stillMatches(eni, instance), now, grace);
        if (cleanup instanceof Cleanup.Leave) {
          continue;
        }
        if (!clock.instant().isBefore(deadline)) {
          tally.notReached++;
          continue;
        }
        acted.add(janitor.apply(cleanup, dryRun));
      }
      if (!acted.isEmpty()) {
        tally.results.add(
            id.isPresent()
                ? EniInstanceResult.about(id.get())
                    .inState(instance.map(i -> i.state().toString()).orElse("gone"))
                    .cleaned(acted, dryRun)
                : EniInstanceResult.cleanedWithoutInstance(
                    "interfaces of ours whose instance tag names no instance", acted, dryRun));
      }
    }
  }

  /** Gaps: running nodes in scope that the planner does not call complete. */
  private void reconcileGaps(
      List<NetworkInstance> nodes,
      List<EniView> ours,
      boolean dryRun,
      Instant deadline,
      Tally tally) {
    for (NetworkInstance node : nodes) {
      if (!(planner.select(node) instanceof Selection.Matched matched)) {
        continue;
      }
      tally.checked++;
      if (planner.complete(node, matched, ours)) {
        continue;
      }
      if (!clock.instant().isBefore(deadline)) {
        tally.notReached++;
        continue;
      }
      tally.reconciled++;
      tally.results.add(reconciler.reconcile(node, dryRun));
    }
  }

  /**
   * What the profiles leave to the VPC CNI on each instance type the nodes they match use, found
   * the way the sweep finds nodes ({@code {"report": "eni-capacity"}}).
   */
  public CniCapacityReport.Capacity cniCapacity() {
    return new CniCapacityReport(ec2, config).report();
  }

  private boolean stillMatches(EniView eni, Optional<NetworkInstance> instance) {
    if (instance.isEmpty()) {
      return false;
    }
    String profile = EniTags.profile(eni).orElse("");
    return planner.select(instance.get()) instanceof Selection.Matched m
        && m.profiles().stream().anyMatch(p -> p.name().equals(profile));
  }
}
