package io.github.eksnoderemediator.eni;

import io.github.eksnoderemediator.config.EniProfile;
import io.github.eksnoderemediator.eni.ProfilePlan.Apply;
import io.github.eksnoderemediator.eni.ProfilePlan.Present;
import io.github.eksnoderemediator.eni.ProfilePlan.Skip;
import io.github.eksnoderemediator.eni.ProfilePlan.Wait;
import io.github.eksnoderemediator.eni.Step.EniRef;
import io.github.eksnoderemediator.port.EniAttachment;
import io.github.eksnoderemediator.port.EniView;
import io.github.eksnoderemediator.port.InstanceState;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@link EniPlanner}'s rules 1 to 5, pure: what the interfaces of ours already there, and the
 * instance's state, decide.
 */
final class ExistingInterfaceRules {
  private ExistingInterfaceRules() {}

  /** Rule 1: ours, at the slot. */
  static Optional<ProfilePlan> present(ProfileContext c) {
    List<EniView> atSlot =
        c.mine().stream()
            .filter(
                e ->
                    e.attachment()
                        .map(a -> a.holds(c.instance().id(), c.card(), c.index()))
                        .orElse(false))
            .toList();
    if (atSlot.isEmpty()) {
      return Optional.empty();
    }
    EniProfile profile = c.profile();
    EniView keeper = atSlot.get(0);
    List<Step> steps = new ArrayList<>();
    List<String> changes = new ArrayList<>();
    settings(profile, keeper, steps, changes);
    // Two interfaces of ours holding one slot cannot happen on EC2, which refuses the second
    // attach; the moto emulator allows it (concurrent runs there each create and attach one, as it
    // ignores the client token). Keep the lowest id and delete the others in place, which the
    // emulator allows (a detach first would not work there: it loses track of the slot and then
    // refuses to detach what it takes for the instance's last interface). On EC2 the delete would
    // be refused as in use and retried, harmlessly.
    for (EniView extra : atSlot.subList(1, atSlot.size())) {
      steps.add(new Step.Delete(extra.id(), PlanReasons.secondAtSlot(c.slot())));
      changes.add(PlanReasons.deleteSecond(extra.id()));
    }
    for (EniView spare : c.mine()) {
      if (spare.isAvailable()) {
        steps.add(new Step.Delete(spare.id(), PlanReasons.SPARE));
        changes.add(PlanReasons.deleteSpare(spare.id()));
      }
    }
    String where = PlanReasons.presentAt(keeper.id(), c.slot());
    if (!steps.isEmpty()) {
      return Optional.of(
          new Apply(
              profile, Optional.of(keeper.id()), steps, PlanReasons.withChanges(where, changes)));
    }
    Optional<EniView> leaving =
        c.mine().stream()
            .filter(e -> !e.id().equals(keeper.id()) && !e.isAvailable())
            .filter(e -> e.attachment().map(a -> !a.status().holdsSlot()).orElse(true))
            .findFirst();
    if (leaving.isPresent()) {
      return Optional.of(
          new Wait(
              profile, Optional.of(keeper.id()), PlanReasons.spareLeaving(where, leaving.get())));
    }
    return Optional.of(new Present(profile, keeper.id(), where));
  }

  /** Rule 1's fixes to the keeper's DeleteOnTermination and source/destination check. */
  private static void settings(
      EniProfile profile, EniView keeper, List<Step> steps, List<String> changes) {
    EniAttachment attachment = keeper.attachment().orElseThrow();
    EniRef ref = new EniRef.Existing(keeper.id());
    if (attachment.deleteOnTermination() != profile.deleteOnTermination()) {
      steps.add(
          new Step.SetDeleteOnTermination(
              ref, attachment.attachmentId(), profile.deleteOnTermination()));
      changes.add(
          PlanReasons.deleteOnTerminationChange(
              attachment.deleteOnTermination(), profile.deleteOnTermination()));
    }
    Optional<Boolean> check = profile.sourceDestCheck().filter(v -> v != keeper.sourceDestCheck());
    if (check.isPresent()) {
      steps.add(new Step.SetSourceDestCheck(ref, check.get()));
      changes.add(PlanReasons.sourceDestCheckChange(keeper.sourceDestCheck(), check.get()));
    }
  }

  /** Rule 2: someone else's interface at the slot. */
  static Optional<ProfilePlan> slotTaken(ProfileContext c) {
    return c.instance()
        .at(c.card(), c.index())
        .map(
            occupant -> {
              Optional<String> ourProfile =
                  c.ours().stream()
                      .filter(e -> e.id().equals(occupant.eni()))
                      .findFirst()
                      .map(e -> e.tags().get(EniTags.PROFILE));
              return c.fail(
                  Optional.empty(), PlanReasons.slotTaken(c.slot(), occupant.eni(), ourProfile));
            });
  }

  /** Rule 3: ours for this profile, attached somewhere else. */
  static Optional<ProfilePlan> attachedElsewhere(ProfileContext c) {
    for (EniView e : c.mine()) {
      EniAttachment a = e.attachment().orElse(null);
      if (a != null && a.status().holdsSlot()) {
        return Optional.of(
            c.fail(
                Optional.of(e.id()),
                PlanReasons.attachedElsewhere(e.id(), a, c.instance().id(), c.slot())));
      }
    }
    return Optional.empty();
  }

  /** Rule 4: ours for this profile, on its way somewhere. */
  static Optional<ProfilePlan> inTransit(ProfileContext c) {
    return c.mine().stream()
        .filter(e -> !e.isAvailable())
        .findFirst()
        .map(e -> new Wait(c.profile(), Optional.of(e.id()), PlanReasons.inTransit(e)));
  }

  /** Rule 5: attaching needs an instance that can take it. */
  static Optional<ProfilePlan> notAttachableNow(ProfileContext c) {
    if (c.instance().state() == InstanceState.STOPPING) {
      return Optional.of(new Skip(c.profile(), PlanReasons.STOPPING));
    }
    if (c.instance().state() == InstanceState.PENDING
        && c.in().memory().attachRefusedWhilePending()) {
      return Optional.of(
          new Wait(
              c.profile(),
              c.mine().stream().map(EniView::id).findFirst(),
              PlanReasons.PENDING_REFUSES));
    }
    return Optional.empty();
  }
}
