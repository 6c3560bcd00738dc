package io.github.eksnoderemediator.eni;

import io.github.eksnoderemediator.config.EniProfile;
import io.github.eksnoderemediator.port.EniId;
import io.github.eksnoderemediator.port.EniView;
import io.github.eksnoderemediator.port.NetworkInstance;
import io.github.eksnoderemediator.port.Subnet;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One profile's planning: the input, and the instance and our interfaces as the run sees them. */
record ProfileContext(
    EniPlanner.PlanInput in,
    NetworkInstance instance,
    List<EniView> ours,
    EniProfile profile,
    List<EniView> mine,
    Map<Integer, Integer> newOnCard) {
  int card() {
    return profile.networkCardIndex();
  }

  int index() {
    return profile.deviceIndex();
  }

  String slot() {
    return PlanReasons.slot(card(), index());
  }

  ResolvedProfile resolved() {
    return in.resolved().get(profile.name());
  }

  /** The profile's subnets in the instance's zone and VPC. */
  List<Subnet> inZone() {
    return resolved().subnets().stream()
        .filter(s -> s.availabilityZone().equals(instance.availabilityZone()))
        .filter(s -> s.vpcId().equals(instance.vpcId()))
        .sorted(Comparator.comparing(Subnet::id))
        .toList();
  }

  /** The one subnet to use, once rule 7 has passed. */
  Subnet subnet() {
    return inZone().get(0);
  }

  ProfilePlan fail(Optional<EniId> eni, String reason) {
    return new ProfilePlan.Fail(profile, eni, reason);
  }
}
