package io.github.eksnoderemediator.eni;

import io.github.eksnoderemediator.config.EniProfile;
import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.eni.ProfilePlan.Apply;
import io.github.eksnoderemediator.eni.ProfilePlan.Fail;
import io.github.eksnoderemediator.eni.ProfilePlan.Present;
import io.github.eksnoderemediator.eni.ProfilePlan.Skip;
import io.github.eksnoderemediator.eni.ProfilePlan.Unresolved;
import io.github.eksnoderemediator.eni.ProfilePlan.Wait;
import io.github.eksnoderemediator.eni.Step.EniRef;
import io.github.eksnoderemediator.node.EksNode;
import io.github.eksnoderemediator.node.NodeScope;
import io.github.eksnoderemediator.node.ScopeDecision;
import io.github.eksnoderemediator.port.EniAttachment;
import io.github.eksnoderemediator.port.EniView;
import io.github.eksnoderemediator.port.InstanceFacts;
import io.github.eksnoderemediator.port.InstanceState;
import io.github.eksnoderemediator.port.InterfaceLimits;
import io.github.eksnoderemediator.port.NetworkInstance;
import io.github.eksnoderemediator.port.Subnet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The ENI planner, pure: from an instance, the interfaces of ours EC2 shows for it, the profiles'
 * resolved subnets and groups and the instance type's limits, it decides per profile what to write.
 * The rules, in order, for one profile:
 *
 * <ol>
 *   <li>an interface of ours for the profile is attached at its {@code (card, index)}: present (fix
 *       DeleteOnTermination and the source/destination check when they differ; delete spare {@code
 *       available} interfaces of ours for the profile that an interrupted or concurrent run left);
 *   <li>an interface that is not this profile's holds the slot: fail, create nothing, detach
 *       nothing;
 *   <li>an interface of ours for the profile is attached elsewhere: fail, move nothing;
 *   <li>no subnet of the profile in the instance's zone: skip; several: fail; no security group:
 *       fail;
 *   <li>one more interface would exceed the instance type's limits: fail before creating anything;
 *   <li>an {@code available} interface of ours for the profile in the right subnet: attach it;
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

  private ProfilePlan planOne(
      PlanInput in,
      NetworkInstance instance,
      List<EniView> ours,
      EniProfile profile,
      Map<Integer, Integer> newOnCard) {
    int card = profile.networkCardIndex();
    int index = profile.deviceIndex();
    String slot = "card " + card + ", index " + index;
    List<EniView> mine =
        ours.stream().filter(e -> profile.name().equals(e.tags().get(EniTags.PROFILE))).toList();

    // 1. Ours, at the slot.
    List<EniView> atSlot =
        mine.stream()
            .filter(e -> e.attachment().map(a -> a.holds(instance.id(), card, index)).orElse(false))
            .toList();
    if (!atSlot.isEmpty()) {
      return present(instance, profile, atSlot, mine, slot);
    }

    // 2. Someone else's interface at the slot.
    Optional<NetworkInstance.Interface> occupant = instance.at(card, index);
    if (occupant.isPresent()) {
      Optional<EniView> oursForOther =
          ours.stream().filter(e -> e.id().equals(occupant.get().eni())).findFirst();
      String whose =
          oursForOther
              .map(e -> "which this service created for profile " + e.tags().get(EniTags.PROFILE))
              .orElse("which this service does not own");
      return new Fail(
          profile,
          Optional.empty(),
          slot
              + " is taken by "
              + occupant.get().eni()
              + ", "
              + whose
              + ": nothing created, nothing detached",
          false);
    }

    // 3. Ours for this profile, attached somewhere else, or on its way.
    for (EniView e : mine) {
      EniAttachment a = e.attachment().orElse(null);
      if (a != null && a.status().holdsSlot()) {
        String where =
            a.instance().map(i -> i.equals(instance.id()) ? "" : " of " + i).orElse("")
                + " at card "
                + a.networkCardIndex()
                + ", index "
                + a.deviceIndex();
        return new Fail(
            profile,
            Optional.of(e.id()),
            e.id()
                + " (ours, for this profile) is attached"
                + where
                + ", not at "
                + slot
                + ": not moved automatically; detach it to let the function attach it again",
            false);
      }
    }
    Optional<EniView> inTransit = mine.stream().filter(e -> !e.isAvailable()).findFirst();
    if (inTransit.isPresent()) {
      return new Wait(
          profile,
          Optional.of(inTransit.get().id()),
          inTransit.get().id() + " (ours) is " + inTransit.get().status());
    }

    // Attaching needs an instance that can take it.
    if (instance.state() == InstanceState.STOPPING) {
      return new Skip(
          profile,
          "instance is stopping: its interface is attached when it is stopped or runs again");
    }

    if (instance.state() == InstanceState.PENDING && in.memory().attachRefusedWhilePending()) {
      return new Wait(
          profile,
          mine.stream().map(EniView::id).findFirst(),
          "the instance is pending and EC2 refuses attaching until it runs");
    }

    // 4. Subnet and security groups.
    ResolvedProfile resolved = in.resolved().get(profile.name());
    if (resolved == null || in.limits().isEmpty()) {
      return new Unresolved(profile);
    }
    List<Subnet> inZone =
        resolved.subnets().stream()
            .filter(s -> s.availabilityZone().equals(instance.availabilityZone()))
            .filter(s -> s.vpcId().equals(instance.vpcId()))
            .sorted(Comparator.comparing(Subnet::id))
            .toList();
    if (inZone.isEmpty()) {
      return new Skip(
          profile,
          "no subnet of the profile in "
              + instance.availabilityZone()
              + " of "
              + instance.vpcId()
              + (resolved.subnets().isEmpty()
                  ? " (its subnet selector matches none in this VPC)"
                  : " (it has "
                      + resolved.subnets().stream()
                          .map(s -> s.id() + " in " + s.availabilityZone())
                          .toList()
                      + ")"));
    }
    if (inZone.size() > 1) {
      return new Fail(
          profile,
          Optional.empty(),
          "the profile has "
              + inZone.size()
              + " subnets in "
              + instance.availabilityZone()
              + " "
              + inZone.stream().map(Subnet::id).toList()
              + ": give it one per zone",
          false);
    }
    if (!resolved.missingGroups().isEmpty() || resolved.groups().isEmpty()) {
      return new Fail(
          profile,
          Optional.empty(),
          "security groups "
              + (resolved.missingGroups().isEmpty() ? "" : resolved.missingGroups() + " ")
              + "not found in "
              + instance.vpcId()
              + (resolved.groups().isEmpty() ? ": the interface needs at least one" : ""),
          false);
    }
    Subnet subnet = inZone.get(0);

    // 5. Limits, before anything is created.
    Optional<String> overLimit = overLimit(instance, in.limits().get(), card, newOnCard);
    if (overLimit.isPresent()) {
      return new Fail(profile, Optional.empty(), overLimit.get() + ": nothing created", false);
    }

    List<EniView> usable = mine.stream().filter(e -> e.subnet().equals(subnet.id())).toList();
    List<Step> deletes = new ArrayList<>();
    for (EniView stale : mine) {
      if (!stale.subnet().equals(subnet.id())) {
        deletes.add(
            new Step.Delete(
                stale.id(),
                "ours for this profile, but in "
                    + stale.subnet()
                    + "; the profile now wants "
                    + subnet.id()));
      }
    }

    // 6. Ours, available: attach it.
    if (!usable.isEmpty()) {
      EniView keeper = usable.get(0);
      EniRef ref = new EniRef.Existing(keeper.id());
      List<Step> steps = new ArrayList<>();
      steps.add(new Step.Attach(ref, card, index));
      if (profile.deleteOnTermination()) {
        steps.add(new Step.SetDeleteOnTermination(ref, null, true));
      }
      profile
          .sourceDestCheck()
          .filter(v -> v != keeper.sourceDestCheck())
          .ifPresent(v -> steps.add(new Step.SetSourceDestCheck(ref, v)));
      for (EniView spare : usable.subList(1, usable.size())) {
        steps.add(new Step.Delete(spare.id(), "a spare interface of ours for this profile"));
      }
      steps.addAll(deletes);
      return new Apply(
          profile,
          Optional.of(keeper.id()),
          steps,
          "attach "
              + keeper.id()
              + " (ours, available, in "
              + subnet.id()
              + ") at "
              + slot
              + (in.memory().createdFor(profile.name()).isPresent()
                  ? ""
                  : ": left by an earlier run that did not finish"));
    }
    if (in.memory().awaitingCreated(profile.name())) {
      return new Wait(
          profile,
          Optional.empty(),
          "an earlier request with the same client token created the interface; EC2 does not show it yet");
    }

    // 7. Create and attach.
    EniSpec spec =
        EniSpec.of(
            profile, instance.id(), in.node().cluster(), subnet, resolved.groups(), in.tokenTime());
    EniRef created = new EniRef.Created();
    List<Step> steps = new ArrayList<>();
    steps.add(new Step.Create(spec));
    steps.add(new Step.Attach(created, card, index));
    if (profile.deleteOnTermination()) {
      steps.add(new Step.SetDeleteOnTermination(created, null, true));
    }
    // A new interface starts with the check enabled.
    profile
        .sourceDestCheck()
        .filter(v -> !v)
        .ifPresent(v -> steps.add(new Step.SetSourceDestCheck(created, false)));
    steps.addAll(deletes);
    return new Apply(
        profile,
        Optional.empty(),
        steps,
        "create an interface in " + subnet.id() + " and attach it at " + slot);
  }

  private static ProfilePlan present(
      NetworkInstance instance,
      EniProfile profile,
      List<EniView> atSlot,
      List<EniView> mine,
      String slot) {
    EniView keeper = atSlot.get(0);
    EniAttachment attachment = keeper.attachment().orElseThrow();
    EniRef ref = new EniRef.Existing(keeper.id());
    List<Step> steps = new ArrayList<>();
    List<String> changes = new ArrayList<>();
    if (attachment.deleteOnTermination() != profile.deleteOnTermination()) {
      steps.add(
          new Step.SetDeleteOnTermination(
              ref, attachment.attachmentId(), profile.deleteOnTermination()));
      changes.add(
          "DeleteOnTermination "
              + attachment.deleteOnTermination()
              + " -> "
              + profile.deleteOnTermination());
    }
    if (profile.sourceDestCheck().isPresent()
        && profile.sourceDestCheck().get() != keeper.sourceDestCheck()) {
      steps.add(new Step.SetSourceDestCheck(ref, profile.sourceDestCheck().get()));
      changes.add(
          "source/destination check "
              + keeper.sourceDestCheck()
              + " -> "
              + profile.sourceDestCheck().get());
    }
    // Two interfaces of ours holding one slot cannot happen on EC2, which refuses the second
    // attach; the moto emulator allows it (concurrent runs there each create and attach one, as it
    // ignores the client token). Keep the lowest id and delete the others in place, which the
    // emulator allows (a detach first would not work there: it loses track of the slot and then
    // refuses to detach what it takes for the instance's last interface). On EC2 the delete would
    // be refused as in use and retried, harmlessly.
    for (EniView extra : atSlot.subList(1, atSlot.size())) {
      steps.add(new Step.Delete(extra.id(), "a second interface of ours at " + slot));
      changes.add("delete the second interface " + extra.id());
    }
    for (EniView spare : mine) {
      if (spare.isAvailable()) {
        steps.add(new Step.Delete(spare.id(), "a spare interface of ours for this profile"));
        changes.add("delete the spare " + spare.id());
      }
    }
    String where = keeper.id() + " (ours) is attached at " + slot;
    if (!steps.isEmpty()) {
      return new Apply(
          profile, Optional.of(keeper.id()), steps, where + "; " + String.join("; ", changes));
    }
    Optional<EniView> leaving =
        mine.stream()
            .filter(e -> !e.id().equals(keeper.id()) && !e.isAvailable())
            .filter(e -> e.attachment().map(a -> !a.status().holdsSlot()).orElse(true))
            .findFirst();
    if (leaving.isPresent()) {
      return new Wait(
          profile,
          Optional.of(keeper.id()),
          where + "; the spare " + leaving.get().id() + " is " + leaving.get().status());
    }
    return new Present(profile, keeper.id(), where);
  }

  private static Optional<String> overLimit(
      NetworkInstance instance, InterfaceLimits limits, int card, Map<Integer, Integer> newOnCard) {
    if (limits.maxCards() > 0 && card >= limits.maxCards()) {
      return Optional.of(
          limits.instanceType()
              + " has "
              + limits.maxCards()
              + " network card(s); the profile wants card "
              + card);
    }
    long attached =
        instance.interfaces().stream().filter(i -> i.attachment().status().holdsSlot()).count();
    long onCard =
        instance.interfaces().stream()
            .filter(i -> i.attachment().status().holdsSlot())
            .filter(i -> i.attachment().networkCardIndex() == card)
            .count();
    int plannedTotal = newOnCard.values().stream().mapToInt(Integer::intValue).sum();
    int plannedOnCard = newOnCard.getOrDefault(card, 0);
    Optional<Integer> cardLimit = limits.forCard(card);
    if (cardLimit.isPresent() && onCard + plannedOnCard + 1 > cardLimit.get()) {
      return Optional.of(
          limits.instanceType()
              + " takes "
              + cardLimit.get()
              + " interfaces on card "
              + card
              + "; "
              + onCard
              + " attached"
              + (plannedOnCard > 0 ? " and " + plannedOnCard + " planned by earlier profiles" : "")
              + ", one more would exceed it");
    }
    if (attached + plannedTotal + 1 > limits.maxInterfaces()) {
      return Optional.of(
          limits.instanceType()
              + " takes "
              + limits.maxInterfaces()
              + " interfaces; "
              + attached
              + " attached"
              + (plannedTotal > 0 ? " and " + plannedTotal + " planned by earlier profiles" : "")
              + ", one more would exceed it");
    }
    return Optional.empty();
  }
}
