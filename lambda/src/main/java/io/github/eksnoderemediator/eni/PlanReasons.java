package io.github.eksnoderemediator.eni;

import io.github.eksnoderemediator.port.EniAttachment;
import io.github.eksnoderemediator.port.EniId;
import io.github.eksnoderemediator.port.EniView;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.port.InterfaceLimits;
import io.github.eksnoderemediator.port.NetworkInstance;
import io.github.eksnoderemediator.port.Subnet;
import io.github.eksnoderemediator.port.SubnetId;
import java.util.List;
import java.util.Optional;

/** Every sentence the planner puts in a report, in one place, in the order of its rules. */
final class PlanReasons {
  private PlanReasons() {}

  static String slot(int card, int index) {
    return "card " + card + ", index " + index;
  }

  // 1. Present.

  static String presentAt(EniId eni, String slot) {
    return eni + " (ours) is attached at " + slot;
  }

  static String withChanges(String where, List<String> changes) {
    return where + "; " + String.join("; ", changes);
  }

  static String deleteOnTerminationChange(boolean from, boolean to) {
    return "DeleteOnTermination " + from + " -> " + to;
  }

  static String sourceDestCheckChange(boolean from, boolean to) {
    return "source/destination check " + from + " -> " + to;
  }

  static String secondAtSlot(String slot) {
    return "a second interface of ours at " + slot;
  }

  static String deleteSecond(EniId eni) {
    return "delete the second interface " + eni;
  }

  static final String SPARE = "a spare interface of ours for this profile";

  static String deleteSpare(EniId eni) {
    return "delete the spare " + eni;
  }

  static String spareLeaving(String where, EniView spare) {
    return where + "; the spare " + spare.id() + " is " + spare.status();
  }

  // 2. The slot is taken.

  static String slotTaken(String slot, EniId occupant, Optional<String> ourProfile) {
    return slot
        + " is taken by "
        + occupant
        + ", "
        + ourProfile
            .map(p -> "which this service created for profile " + p)
            .orElse("which this service does not own")
        + ": nothing created, nothing detached";
  }

  // 3. Ours, attached elsewhere.

  static String attachedElsewhere(EniId eni, EniAttachment a, InstanceId instance, String slot) {
    String where =
        a.instance().map(i -> i.equals(instance) ? "" : " of " + i).orElse("")
            + " at "
            + slot(a.networkCardIndex(), a.deviceIndex());
    return eni
        + " (ours, for this profile) is attached"
        + where
        + ", not at "
        + slot
        + ": not moved automatically; detach it to let the function attach it again";
  }

  // 4. Ours, in transit.

  static String inTransit(EniView eni) {
    return eni.id() + " (ours) is " + eni.status();
  }

  // 5. The instance cannot take an attach now.

  static final String STOPPING =
      "instance is stopping: its interface is attached when it is stopped or runs again";

  static final String PENDING_REFUSES =
      "the instance is pending and EC2 refuses attaching until it runs";

  // 7. Subnet and security groups.

  static String noSubnetInZone(NetworkInstance instance, List<Subnet> all) {
    return "no subnet of the profile in "
        + instance.availabilityZone()
        + " of "
        + instance.vpcId()
        + (all.isEmpty()
            ? " (its subnet selector matches none in this VPC)"
            : " (it has "
                + all.stream().map(s -> s.id() + " in " + s.availabilityZone()).toList()
                + ")");
  }

  static String severalSubnets(NetworkInstance instance, List<Subnet> inZone) {
    return "the profile has "
        + inZone.size()
        + " subnets in "
        + instance.availabilityZone()
        + " "
        + inZone.stream().map(Subnet::id).toList()
        + ": give it one per zone";
  }

  static String groups(ResolvedProfile resolved, String vpcId) {
    return "security groups "
        + (resolved.missingGroups().isEmpty() ? "" : resolved.missingGroups() + " ")
        + "not found in "
        + vpcId
        + (resolved.groups().isEmpty() ? ": the interface needs at least one" : "");
  }

  // 8. Limits.

  static String tooFewCards(InterfaceLimits limits, int card) {
    return limits.instanceType()
        + " has "
        + limits.maxCards()
        + " network card(s); the profile wants card "
        + card
        + ": nothing created";
  }

  static String cardFull(InterfaceLimits limits, int card, int cardLimit, long on, int planned) {
    return limits.instanceType()
        + " takes "
        + cardLimit
        + " interfaces on card "
        + card
        + "; "
        + on
        + " attached"
        + (planned > 0 ? " and " + planned + " planned by earlier profiles" : "")
        + ", one more would exceed it: nothing created";
  }

  static String instanceFull(InterfaceLimits limits, long attached, int planned) {
    return limits.instanceType()
        + " takes "
        + limits.maxInterfaces()
        + " interfaces; "
        + attached
        + " attached"
        + (planned > 0 ? " and " + planned + " planned by earlier profiles" : "")
        + ", one more would exceed it: nothing created";
  }

  // 9. Ours, available: attach it (deleting ours in other subnets).

  static String inOldSubnet(SubnetId old, SubnetId wanted) {
    return "ours for this profile, but in " + old + "; the profile now wants " + wanted;
  }

  static String attachAvailable(EniId eni, SubnetId subnet, String slot, boolean leftByEarlier) {
    return "attach "
        + eni
        + " (ours, available, in "
        + subnet
        + ") at "
        + slot
        + (leftByEarlier ? ": left by an earlier run that did not finish" : "");
  }

  // 10. The token says it exists.

  static final String AWAITING_CREATED =
      "an earlier request with the same client token created the interface; EC2 does not show it yet";

  // 11. Create.

  static String create(SubnetId subnet, String slot) {
    return "create an interface in " + subnet + " and attach it at " + slot;
  }
}
