package io.github.eksnoderemediator.eni;

import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.eni.CleanupPolicy.Cleanup;
import io.github.eksnoderemediator.eni.EniInstanceResult.Outcome;
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

  /**
   * @param deadline stop starting new work at this instant (Lambda's remaining time)
   */
  public SweepResult sweep(boolean dryRun, Instant deadline) {
    List<EniInstanceResult> results = new ArrayList<>();
    int notReached = 0;

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
      return new SweepResult(
          List.of(
              sweepFailure(
                  "listing our interfaces failed: " + EniReconciler.describe(e), e, dryRun)),
          new EniReport.SweepSummary(0, 0, 0, 0));
    }

    // Leftovers, grouped by the instance they were created for.
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
          notReached++;
          continue;
        }
        acted.add(janitor.apply(cleanup, dryRun));
      }
      if (!acted.isEmpty()) {
        InstanceId reportAs = id.orElse(null);
        if (reportAs != null) {
          results.add(
              EniInstanceResult.of(
                  reportAs,
                  null,
                  instance.map(i -> i.state().toString()).orElse("gone"),
                  Outcome.CLEANED,
                  null,
                  acted,
                  dryRun));
        } else {
          results.add(
              new EniInstanceResult(
                  null,
                  null,
                  null,
                  null,
                  null,
                  null,
                  Outcome.CLEANED,
                  "interfaces of ours whose instance tag names no instance",
                  acted,
                  dryRun,
                  null));
        }
      }
    }

    // Gaps: running nodes in scope missing an interface a profile wants.
    int checked = 0;
    int reconciled = 0;
    List<NetworkInstance> nodes;
    try {
      nodes = ProfileLookups.runningNodes(ec2, config);
    } catch (Ec2CallException e) {
      results.add(
          sweepFailure("listing running nodes failed: " + EniReconciler.describe(e), e, dryRun));
      return new SweepResult(results, new EniReport.SweepSummary(ours.size(), 0, 0, notReached));
    }
    for (NetworkInstance node : nodes) {
      if (!(planner.select(node) instanceof Selection.Matched matched)) {
        continue;
      }
      checked++;
      if (planner.complete(node, matched, ours)) {
        continue;
      }
      if (!clock.instant().isBefore(deadline)) {
        notReached++;
        continue;
      }
      reconciled++;
      results.add(reconciler.reconcile(node, dryRun));
    }
    return new SweepResult(
        results, new EniReport.SweepSummary(ours.size(), checked, reconciled, notReached));
  }

  private boolean stillMatches(EniView eni, Optional<NetworkInstance> instance) {
    if (instance.isEmpty()) {
      return false;
    }
    String profile = EniTags.profile(eni).orElse("");
    return planner.select(instance.get()) instanceof Selection.Matched m
        && m.profiles().stream().anyMatch(p -> p.name().equals(profile));
  }

  private static EniInstanceResult sweepFailure(String why, Ec2CallException e, boolean dryRun) {
    return new EniInstanceResult(
        null, null, null, null, null, null, Outcome.FAILED, why, List.of(), dryRun, e.retryable());
  }
}
