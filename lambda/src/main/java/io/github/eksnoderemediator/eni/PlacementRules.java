package io.github.eksnoderemediator.eni;

import io.github.eksnoderemediator.eni.ProfilePlan.Apply;
import io.github.eksnoderemediator.eni.ProfilePlan.Skip;
import io.github.eksnoderemediator.eni.ProfilePlan.Unresolved;
import io.github.eksnoderemediator.eni.ProfilePlan.Wait;
import io.github.eksnoderemediator.eni.Step.EniRef;
import io.github.eksnoderemediator.port.EniView;
import io.github.eksnoderemediator.port.InterfaceLimits;
import io.github.eksnoderemediator.port.NetworkInstance;
import io.github.eksnoderemediator.port.Subnet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@link EniPlanner}'s rules 6 to 11, pure: where the profile's interface goes, and whether an
 * available one of ours is attached or a new one created.
 */
final class PlacementRules {
  private PlacementRules() {}

  /** Rule 6: what the next rules need is not looked up yet. */
  static Optional<ProfilePlan> unresolved(ProfileContext c) {
    return c.resolved() == null || c.in().limits().isEmpty()
        ? Optional.of(new Unresolved(c.profile()))
        : Optional.empty();
  }

  /** Rule 7: one subnet in the zone, and security groups. */
  static Optional<ProfilePlan> subnetAndGroups(ProfileContext c) {
    ResolvedProfile resolved = c.resolved();
    List<Subnet> inZone = c.inZone();
    if (inZone.isEmpty()) {
      return Optional.of(
          new Skip(c.profile(), PlanReasons.noSubnetInZone(c.instance(), resolved.subnets())));
    }
    if (inZone.size() > 1) {
      return Optional.of(
          c.fail(Optional.empty(), PlanReasons.severalSubnets(c.instance(), inZone)));
    }
    if (!resolved.missingGroups().isEmpty() || resolved.groups().isEmpty()) {
      return Optional.of(
          c.fail(Optional.empty(), PlanReasons.groups(resolved, c.instance().vpcId())));
    }
    return Optional.empty();
  }

  /** Rule 8: limits, before anything is created. */
  static Optional<ProfilePlan> overLimit(ProfileContext c) {
    InterfaceLimits limits = c.in().limits().orElseThrow();
    int card = c.card();
    if (limits.maxCards() > 0 && card >= limits.maxCards()) {
      return Optional.of(c.fail(Optional.empty(), PlanReasons.tooFewCards(limits, card)));
    }
    List<NetworkInstance.Interface> holding =
        c.instance().interfaces().stream()
            .filter(i -> i.attachment().status().holdsSlot())
            .toList();
    long onCard = holding.stream().filter(i -> i.attachment().networkCardIndex() == card).count();
    int plannedTotal = c.newOnCard().values().stream().mapToInt(Integer::intValue).sum();
    int plannedOnCard = c.newOnCard().getOrDefault(card, 0);
    Optional<Integer> cardLimit = limits.forCard(card);
    if (cardLimit.isPresent() && onCard + plannedOnCard + 1 > cardLimit.get()) {
      return Optional.of(
          c.fail(
              Optional.empty(),
              PlanReasons.cardFull(limits, card, cardLimit.get(), onCard, plannedOnCard)));
    }
    if (holding.size() + plannedTotal + 1 > limits.maxInterfaces()) {
      return Optional.of(
          c.fail(Optional.empty(), PlanReasons.instanceFull(limits, holding.size(), plannedTotal)));
    }
    return Optional.empty();
  }

  /** Rule 9: ours, available, in the right subnet: attach it. */
  static Optional<ProfilePlan> attachAvailable(ProfileContext c) {
    Subnet subnet = c.subnet();
    List<EniView> usable = c.mine().stream().filter(e -> e.subnet().equals(subnet.id())).toList();
    if (usable.isEmpty()) {
      return Optional.empty();
    }
    EniView keeper = usable.get(0);
    EniRef ref = new EniRef.Existing(keeper.id());
    List<Step> steps = new ArrayList<>();
    steps.add(new Step.Attach(ref, c.card(), c.index()));
    if (c.profile().deleteOnTermination()) {
      steps.add(new Step.SetDeleteOnTermination(ref, null, true));
    }
    c.profile()
        .sourceDestCheck()
        .filter(v -> v != keeper.sourceDestCheck())
        .ifPresent(v -> steps.add(new Step.SetSourceDestCheck(ref, v)));
    for (EniView spare : usable.subList(1, usable.size())) {
      steps.add(new Step.Delete(spare.id(), PlanReasons.SPARE));
    }
    steps.addAll(inOldSubnets(c, subnet));
    boolean leftByEarlier = c.in().memory().createdFor(c.profile().name()).isEmpty();
    return Optional.of(
        new Apply(
            c.profile(),
            Optional.of(keeper.id()),
            steps,
            PlanReasons.attachAvailable(keeper.id(), subnet.id(), c.slot(), leftByEarlier)));
  }

  /** Rule 10: the client token said the interface exists; EC2 does not show it yet. */
  static Optional<ProfilePlan> awaitCreated(ProfileContext c) {
    return c.in().memory().awaitingCreated(c.profile().name())
        ? Optional.of(new Wait(c.profile(), Optional.empty(), PlanReasons.AWAITING_CREATED))
        : Optional.empty();
  }

  /** Rule 11: create and attach. */
  static ProfilePlan create(ProfileContext c) {
    Subnet subnet = c.subnet();
    EniSpec spec =
        EniSpec.of(
            c.profile(),
            c.instance().id(),
            c.in().node().cluster(),
            subnet,
            c.resolved().groups(),
            c.in().tokenTime());
    EniRef created = new EniRef.Created();
    List<Step> steps = new ArrayList<>();
    steps.add(new Step.Create(spec));
    steps.add(new Step.Attach(created, c.card(), c.index()));
    if (c.profile().deleteOnTermination()) {
      steps.add(new Step.SetDeleteOnTermination(created, null, true));
    }
    // A new interface starts with the check enabled.
    c.profile()
        .sourceDestCheck()
        .filter(v -> !v)
        .ifPresent(v -> steps.add(new Step.SetSourceDestCheck(created, false)));
    steps.addAll(inOldSubnets(c, subnet));
    return new Apply(
        c.profile(), Optional.empty(), steps, PlanReasons.create(subnet.id(), c.slot()));
  }

  /** Deletes of ours for the profile in a subnet it no longer uses (all are available here). */
  private static List<Step> inOldSubnets(ProfileContext c, Subnet subnet) {
    return c.mine().stream()
        .filter(e -> !e.subnet().equals(subnet.id()))
        .<Step>map(e -> new Step.Delete(e.id(), PlanReasons.inOldSubnet(e.subnet(), subnet.id())))
        .toList();
  }
}
