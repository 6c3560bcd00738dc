package io.github.eksnoderemediator.eni;

import io.github.eksnoderemediator.config.EniProfile;
import io.github.eksnoderemediator.port.EniId;
import java.util.List;
import java.util.Optional;

/** What the planner wants for one profile on one instance. */
public sealed interface ProfilePlan {
  EniProfile profile();

  /** A sentence for the report. */
  String reason();

  /** Our interface is attached at the profile's slot, as configured: nothing to write. */
  record Present(EniProfile profile, EniId eni, String reason) implements ProfilePlan {}

  /**
   * Writes to make, in order.
   *
   * @param eni the interface they are about, when it exists already
   */
  record Apply(EniProfile profile, Optional<EniId> eni, List<Step> steps, String reason)
      implements ProfilePlan {
    public Apply {
      steps = List.copyOf(steps);
    }

    /** True when the steps create an interface. */
    public boolean creates() {
      return steps.stream().anyMatch(s -> s instanceof Step.Create);
    }

    /** True when the steps attach an interface. */
    public boolean attaches() {
      return steps.stream().anyMatch(s -> s instanceof Step.Attach);
    }
  }

  /** Something is on its way (an attachment, a detach, a new interface EC2 does not show yet). */
  record Wait(EniProfile profile, Optional<EniId> eni, String reason) implements ProfilePlan {}

  /** The planner needs the profile's subnets and groups resolved, or the instance type's limits. */
  record Unresolved(EniProfile profile) implements ProfilePlan {
    @Override
    public String reason() {
      return "subnets, security groups or interface limits not looked up yet";
    }
  }

  /** The profile does not apply to this instance after all (no subnet in its zone, say). */
  record Skip(EniProfile profile, String reason) implements ProfilePlan {}

  /**
   * The profile cannot be satisfied as things are; nothing was or will be written for it. Trying
   * again does not help until the configuration or the node changes ({@link Failure.Refused}).
   */
  record Fail(EniProfile profile, Optional<EniId> eni, String reason) implements ProfilePlan {
    public Failure failure() {
      return new Failure.Refused(reason);
    }
  }
}
