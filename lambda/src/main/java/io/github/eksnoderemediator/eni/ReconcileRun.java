package io.github.eksnoderemediator.eni;

import io.github.eksnoderemediator.config.EniProfile;
import io.github.eksnoderemediator.eni.EniPlanner.PlanInput;
import io.github.eksnoderemediator.eni.EniPlanner.Selection;
import io.github.eksnoderemediator.eni.ProfilePlan.Apply;
import io.github.eksnoderemediator.eni.ProfilePlan.Fail;
import io.github.eksnoderemediator.eni.ProfilePlan.Present;
import io.github.eksnoderemediator.eni.ProfilePlan.Skip;
import io.github.eksnoderemediator.eni.ProfilePlan.Unresolved;
import io.github.eksnoderemediator.node.EksNode;
import io.github.eksnoderemediator.port.Ec2CallException;
import io.github.eksnoderemediator.port.EniId;
import io.github.eksnoderemediator.port.EniView;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.port.InterfaceLimits;
import io.github.eksnoderemediator.port.NetworkGateway;
import io.github.eksnoderemediator.port.NetworkInstance;
import io.github.eksnoderemediator.wait.BoundedWait;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One reconcile of one instance: rounds of observe, plan ({@link EniPlanner}), write ({@link
 * StepExecutor}) until every profile is settled or the reconcile wait is spent; then the report
 * ({@link EniResults}). Confined to the calling thread.
 */
final class ReconcileRun {
  /** What every run shares: the collaborators and the wait's bounds. */
  record Context(
      NetworkGateway ec2,
      EniPlanner planner,
      BoundedWait boundedWait,
      Duration reconcileWait,
      Duration firstBackoff,
      Clock clock) {}

  /** What one round saw and did; {@code broken} says why it could not observe or go on. */
  private record Round(boolean settled, Failure broken) {}

  private final Context cx;
  private final InstanceId id;
  private final EksNode node;
  private final List<EniProfile> profiles;
  private final boolean dryRun;
  private final RunMemory memory = RunMemory.empty();
  private final StepExecutor executor;
  private final Map<String, Progress> progress = new LinkedHashMap<>();
  private final Map<String, ResolvedProfile> resolved = new HashMap<>();
  private final Instant tokenTime;
  private Optional<InterfaceLimits> limits = Optional.empty();
  private NetworkInstance instance;
  private List<EniView> ours;
  private int rounds;

  ReconcileRun(Context cx, NetworkInstance instance, Selection.Matched matched, boolean dryRun) {
    this.cx = cx;
    this.id = instance.id();
    this.instance = instance;
    this.node = matched.node();
    this.profiles = matched.profiles();
    this.dryRun = dryRun;
    this.tokenTime = cx.clock().instant();
    this.executor = new StepExecutor(cx.ec2(), memory, cx.clock(), id);
    profiles.forEach(p -> progress.put(p.name(), new Progress()));
  }

  EniInstanceResult run() {
    Round last =
        dryRun
            ? round()
            : cx.boundedWait()
                .until(this::round, Round::settled, cx.reconcileWait(), cx.firstBackoff());
    EniInstanceResult result =
        new EniResults(last.broken(), dryRun, cx.reconcileWait())
            .forInstance(
                EniInstanceResult.about(id).withNode(node).inState(instance.state().toString()),
                profiles,
                progress);
    return limits.map(l -> result.withVpcCni(CniCapacity.of(l, profiles))).orElse(result);
  }

  private Round round() {
    Optional<Failure> broken = observe();
    if (broken.isPresent()) {
      return new Round(true, broken.get());
    }
    List<ProfilePlan> plans = planWithLookups();
    for (ProfilePlan plan : plans) {
      Progress p = progress.get(plan.profile().name());
      if (p.gaveUp()) {
        continue;
      }
      p.last = plan;
      if (!dryRun && plan instanceof Apply apply) {
        executor.apply(apply, p, instance.state());
      }
    }
    return new Round(dryRun || plans.stream().allMatch(this::settled), null);
  }

  /** Settled: nothing more this run can do for the profile. */
  private boolean settled(ProfilePlan plan) {
    return progress.get(plan.profile().name()).gaveUp()
        || plan instanceof Present
        || plan instanceof Skip
        || plan instanceof Fail;
  }

  /** Describes the instance again (after the first round) and lists our interfaces. */
  private Optional<Failure> observe() {
    try {
      if (rounds++ > 0) {
        Optional<NetworkInstance> now = cx.ec2().describeInstance(id);
        if (now.isEmpty()) {
          return Optional.of(
              new Failure.Unsettled(
                  "EC2 no longer shows the instance (InvalidInstanceID.NotFound)"));
        }
        instance = now.get();
        if (cx.planner().select(instance) instanceof Selection.OutOfScope out) {
          return Optional.of(new Failure.Refused("stopped: " + out.decision().reason()));
        }
      }
      ours = listOurs();
      return Optional.empty();
    } catch (Ec2CallException e) {
      return Optional.of(Failure.ec2("describing the instance or its interfaces failed", e));
    }
  }

  /**
   * Our interfaces for this instance: those tagged with its id, plus any interface holding a
   * profile's slot that carries our tags for it. EC2's tag-filtered listing can lag behind a
   * concurrent run's new interface; a slot's holder is only called foreign after its own tags were
   * read.
   */
  private List<EniView> listOurs() {
    List<EniView> found = new ArrayList<>();
    Set<EniId> known = new HashSet<>();
    for (EniView e : cx.ec2().listEnisByTag(EniTags.INSTANCE, Optional.of(id.value()))) {
      if (EniTags.isOurs(e) && known.add(e.id())) {
        found.add(e);
      }
    }
    Set<EniId> unknown = new HashSet<>();
    for (EniProfile p : profiles) {
      instance
          .at(p.networkCardIndex(), p.deviceIndex())
          .map(NetworkInstance.Interface::eni)
          .filter(e -> !known.contains(e))
          .ifPresent(unknown::add);
    }
    if (!unknown.isEmpty()) {
      for (EniView e : cx.ec2().describeEnis(unknown)) {
        if (EniTags.isOurs(e) && EniTags.instance(e).equals(Optional.of(id)) && known.add(e.id())) {
          found.add(e);
        }
      }
    }
    return found;
  }

  /** Plans; looks up what an unresolved profile needs, once, and plans again. */
  private List<ProfilePlan> planWithLookups() {
    List<ProfilePlan> plans = plan();
    List<EniProfile> unresolved =
        plans.stream()
            .filter(p -> p instanceof Unresolved)
            .map(ProfilePlan::profile)
            .filter(p -> !progress.get(p.name()).gaveUp())
            .toList();
    if (unresolved.isEmpty()) {
      return plans;
    }
    lookUp(unresolved);
    return plan();
  }

  private List<ProfilePlan> plan() {
    return cx.planner()
        .plan(new PlanInput(instance, node, profiles, ours, resolved, limits, memory, tokenTime));
  }

  private void lookUp(List<EniProfile> unresolved) {
    if (limits.isEmpty()) {
      try {
        limits = Optional.of(cx.ec2().interfaceLimits(instance.instanceType()));
      } catch (Ec2CallException e) {
        Failure why =
            Failure.ec2("looking up the limits of " + instance.instanceType() + " failed", e);
        unresolved.forEach(p -> progress.get(p.name()).giveUp(why));
        return;
      }
    }
    for (EniProfile p : unresolved) {
      if (!resolved.containsKey(p.name())) {
        try {
          resolved.put(p.name(), ProfileLookups.resolve(cx.ec2(), p, instance.vpcId()));
        } catch (Ec2CallException e) {
          progress
              .get(p.name())
              .giveUp(Failure.ec2("looking up subnets and security groups failed", e));
        }
      }
    }
  }
}
