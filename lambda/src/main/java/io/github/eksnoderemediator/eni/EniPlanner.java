package io.github.eksnoderemediator.eni;

import io.github.eksnoderemediator.config.EniProfile;
import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.eni.ProfilePlan.Apply;
import io.github.eksnoderemediator.eni.ProfilePlan.Present;
import io.github.eksnoderemediator.node.EksNode;
import io.github.eksnoderemediator.node.NodeScope;
import io.github.eksnoderemediator.node.ScopeDecision;
import io.github.eksnoderemediator.port.EniView;
import io.github.eksnoderemediator.port.InstanceFacts;
import io.github.eksnoderemediator.port.InterfaceLimits;
import io.github.eksnoderemediator.port.NetworkInstance;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The ENI planner, pure: from an instance, the interfaces of ours EC2 shows for it, the profiles'
 * resolved subnets and groups and the instance type's limits, it decides per profile what to write.
 * The rules, in order, for one profile; the first that applies decides. One method each, 1 to 5 in
 * {@link ExistingInterfaceRules}, 6 to 11 in {@link PlacementRules}; every report sentence is made
 * in {@link PlanReasons}:
 *
 * <ol>
 *   <li>an interface of ours for the profile is attached at its {@code (card, index)}: present (fix
 *       DeleteOnTermination and the source/destination check when they differ; delete a second
 *       interface of ours at the slot, and spare {@code available} ones of ours for the profile
 *       that an interrupted or concurrent run left; wait while a spare is still detaching);
 *   <li>an interface that is not this profile's holds the slot: fail, create nothing, detach
 *       nothing;
 *   <li>an interface of ours for the profile is attached elsewhere: fail, move nothing;
 *   <li>an interface of ours for the profile is in transition (attaching, detaching): wait;
 *   <li>the instance cannot take an attach now: skip while it is stopping; wait while it is pending
 *       and EC2 refused this run's attach;
 *   <li>the profile's subnets and groups or the instance type's limits are not looked up yet: ask
 *       for them ({@link ProfilePlan.Unresolved});
 *   <li>no subnet of the profile in the instance's zone: skip; several: fail; a security group
 *       missing or none: fail;
 *   <li>one more interface would exceed the instance type's limits (counting what earlier profiles
 *       are about to add): fail before creating anything;
 *   <li>an {@code available} interface of ours for the profile in the right subnet: attach it (and
 *       delete ours for the profile left in a subnet it no longer uses);
 *   <li>an earlier request with this run's client token created the interface, which EC2 does not
 *       show yet: wait;
 *   <li>otherwise create one (deterministic client token, tags at creation) and attach it.
 * </ol>
 */
public final class EniPlanner {
  private final NodeScope scope;
  private final ProfileMatcher matcher;

  public EniPlanner(RemediatorConfig config) {
    this.scope = new NodeScope(config);
    this.matcher = new ProfileMatcher(config.eni());
  }

  /** Whether the instance is a node in scope, and which profiles apply to it. */
  public sealed interface Selection {
    /** Out of scope: not an EKS node, cluster not in scope, opted out, Auto Mode, going away. */
    record OutOfScope(ScopeDecision.OutOfScope decision) implements Selection {}

    /** A node in scope, but no profile applies to it. */
    record NoProfile(EksNode node) implements Selection {}

    /** A node in scope with the profiles that apply to it, in configuration order. */
    record Matched(EksNode node, List<EniProfile> profiles) implements Selection {
      public Matched {
        profiles = List.copyOf(profiles);
      }
    }
  }

  /** The scope rules (shared with the IMDS function), then profile matching. */
  public Selection select(InstanceFacts instance) {
    return switch (scope.evaluate(instance)) {
      case ScopeDecision.OutOfScope out -> new Selection.OutOfScope(out);
      case ScopeDecision.InScope in -> {
        List<EniProfile> profiles = matcher.matching(in.node(), instance.tags());
        yield profiles.isEmpty()
            ? new Selection.NoProfile(in.node())
            : new Selection.Matched(in.node(), profiles);
      }
    };
  }

  /**
   * Everything one plan is computed from.
   *
   * @param instance the instance as EC2 describes it
   * @param node its identity
   * @param profiles the profiles that apply to it
   * @param ours the interfaces carrying our ownership tags for this instance
   * @param resolved the profiles looked up so far, by name
   * @param limits the instance type's limits, once looked up
   * @param memory what this run already wrote
   * @param tokenTime the time client tokens are derived from (the run's start)
   */
  public record PlanInput(
      NetworkInstance instance,
      EksNode node,
      List<EniProfile> profiles,
      List<EniView> ours,
      Map<String, ResolvedProfile> resolved,
      Optional<InterfaceLimits> limits,
      RunMemory memory,
      Instant tokenTime) {
    public PlanInput {
      profiles = List.copyOf(profiles);
      ours = List.copyOf(ours);
      resolved = Map.copyOf(resolved);
    }
  }

  /**
   * True when no profile needs anything: each one's interface of ours is attached at its slot with
   * its settings, and no spare of ours is left for it. The sweep asks this, so "complete" has this
   * one definition, the planner's first rule.
   *
   * @param ours interfaces carrying our ownership tag; those tagged for other instances are ignored
   */
  public boolean complete(NetworkInstance instance, Selection.Matched matched, List<EniView> ours) {
    List<EniView> mine =
        ours.stream().filter(e -> EniTags.instance(e).equals(Optional.of(instance.id()))).toList();
    PlanInput in =
        new PlanInput(
            instance,
            matched.node(),
            matched.profiles(),
            mine,
            Map.of(),
            Optional.empty(),
            RunMemory.empty(),
            Instant.EPOCH);
    return plan(in).stream().allMatch(p -> p instanceof Present);
  }

  /** One plan per profile, in the order given. */
  public List<ProfilePlan> plan(PlanInput in) {
    NetworkInstance instance = in.memory().overlay(in.instance());
    List<EniView> ours =
        in.memory().overlay(in.ours()).stream().sorted(Comparator.comparing(EniView::id)).toList();
    Map<Integer, Integer> newOnCard = new HashMap<>();
    List<ProfilePlan> plans = new ArrayList<>();
    for (EniProfile profile : in.profiles()) {
      ProfilePlan plan = planOne(in, instance, ours, profile, newOnCard);
      if (plan instanceof Apply apply && apply.attaches()) {
        newOnCard.merge(profile.networkCardIndex(), 1, Integer::sum);
      }
      plans.add(plan);
    }
    return plans;
  }

  /** A rule: the plan when it applies. */
  private interface Rule extends Function<ProfileContext, Optional<ProfilePlan>> {}

  /** Rules 1 to 10 of the class comment, in order; rule 11 is {@link PlacementRules#create}. */
  private static final List<Rule> RULES =
      List.of(
          ExistingInterfaceRules::present,
          ExistingInterfaceRules::slotTaken,
          ExistingInterfaceRules::attachedElsewhere,
          ExistingInterfaceRules::inTransit,
          ExistingInterfaceRules::notAttachableNow,
          PlacementRules::unresolved,
          PlacementRules::subnetAndGroups,
          PlacementRules::overLimit,
          PlacementRules::attachAvailable,
          PlacementRules::awaitCreated);

  private ProfilePlan planOne(
      PlanInput in,
      NetworkInstance instance,
      List<EniView> ours,
      EniProfile profile,
      Map<Integer, Integer> newOnCard) {
    List<EniView> mine =
        ours.stream().filter(e -> profile.name().equals(e.tags().get(EniTags.PROFILE))).toList();
    ProfileContext c = new ProfileContext(in, instance, ours, profile, mine, newOnCard);
    for (Rule rule : RULES) {
      Optional<ProfilePlan> plan = rule.apply(c);
      if (plan.isPresent()) {
        return plan.get();
      }
    }
    return PlacementRules.create(c);
  }
}
