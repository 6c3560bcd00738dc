package io.github.eksnoderemediator.eni;

import io.github.eksnoderemediator.port.EniAttachment;
import io.github.eksnoderemediator.port.EniView;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.port.InstanceState;
import io.github.eksnoderemediator.port.NetworkInstance;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What to do with one interface of ours when its instance goes away (termination cleanup) or in the
 * scheduled sweep. Pure. An interface without our ownership tag is always left alone.
 */
public final class CleanupPolicy {
  private CleanupPolicy() {}

  /** The decision for one interface. */
  public sealed interface Cleanup {
    EniView eni();

    String why();

    /** Delete it: it is {@code available}. */
    record Delete(EniView eni, String why) implements Cleanup {}

    /**
     * Detach it, wait until it is {@code available}, delete it. {@code force} only when a normal
     * detach cannot work; {@code why} says which.
     */
    record DetachAndDelete(EniView eni, EniAttachment attachment, boolean force, String why)
        implements Cleanup {}

    /** Detaching already: wait until it is {@code available}, then delete it. */
    record AwaitAndDelete(EniView eni, String why) implements Cleanup {}

    /** Leave it alone. */
    record Leave(EniView eni, String why) implements Cleanup {}
  }

  /**
   * On {@code shutting-down} or {@code terminated}: delete the interfaces of ours created for
   * {@code id} that survive it. EC2 deletes DeleteOnTermination interfaces itself and turns the
   * others {@code available} (EC2 User Guide, "eni-basics").
   *
   * @param instance the instance as EC2 describes it now; empty when EC2 no longer knows it
   */
  public static Cleanup onTermination(
      EniView eni, InstanceId id, Optional<NetworkInstance> instance) {
    if (!EniTags.isOurs(eni)) {
      return new Cleanup.Leave(eni, "not ours: no " + EniTags.PROFILE + " tag");
    }
    Optional<EniAttachment> attachment = eni.attachment().filter(a -> a.status().holdsSlot());
    if (attachment.isPresent()) {
      EniAttachment a = attachment.get();
      if (!a.instance().equals(Optional.of(id))) {
        return new Cleanup.Leave(
            eni,
            "attached to "
                + a.instance().map(InstanceId::value).orElse("something else")
                + ", not to "
                + id);
      }
      if (instance.isEmpty()) {
        return new Cleanup.DetachAndDelete(
            eni,
            a,
            true,
            "EC2 no longer knows "
                + id
                + " but still shows the interface attached: a normal detach cannot work, so it is forced");
      }
      InstanceState state = instance.get().state();
      if (state == InstanceState.TERMINATED) {
        return new Cleanup.DetachAndDelete(
            eni,
            a,
            true,
            "the instance is terminated but EC2 still shows the interface attached: a normal detach cannot work, so it is forced");
      }
      if (state == InstanceState.SHUTTING_DOWN) {
        if (a.deleteOnTermination()) {
          return new Cleanup.Leave(eni, "DeleteOnTermination: EC2 deletes it with the instance");
        }
        return new Cleanup.DetachAndDelete(
            eni, a, false, "not DeleteOnTermination, so it would outlive the instance");
      }
      return new Cleanup.Leave(
          eni, "the instance is " + state + ", not going away: left for its reconcile");
    }
    if (!eni.isAvailable()) {
      return new Cleanup.AwaitAndDelete(eni, "survived its instance, " + eni.status());
    }
    return new Cleanup.Delete(eni, "survived its instance " + id);
  }

  /**
   * In the sweep: delete an interface of ours that is {@code available}, older than {@code grace}
   * (its creation-time tag; one without the tag counts as old), and whose instance is gone or no
   * longer matches its profile. One still attached to an instance that is gone or terminated is
   * detached (forced: a normal detach cannot work) and deleted. Everything else is left: an {@code
   * available} one whose instance still matches is the reconcile's to attach.
   *
   * @param instance the instance named by its tag, as EC2 describes it; empty when gone
   * @param stillMatches whether that instance is a node in scope its profile still applies to
   */
  public static Cleanup inSweep(
      EniView eni,
      Optional<NetworkInstance> instance,
      boolean stillMatches,
      Instant now,
      Duration grace) {
    if (!EniTags.isOurs(eni)) {
      return new Cleanup.Leave(eni, "not ours: no " + EniTags.PROFILE + " tag");
    }
    Optional<InstanceId> tagged = EniTags.instance(eni);
    Optional<EniAttachment> attachment = eni.attachment().filter(a -> a.status().holdsSlot());
    if (attachment.isPresent()) {
      EniAttachment a = attachment.get();
      boolean toTagged = tagged.isPresent() && a.instance().equals(tagged);
      if (toTagged && instance.isEmpty()) {
        return new Cleanup.DetachAndDelete(
            eni,
            a,
            true,
            "its instance no longer exists but EC2 still shows it attached: a normal detach cannot work, so it is forced");
      }
      if (toTagged && instance.get().state() == InstanceState.TERMINATED) {
        return new Cleanup.DetachAndDelete(
            eni,
            a,
            true,
            "its instance is terminated but EC2 still shows it attached: a normal detach cannot work, so it is forced");
      }
      return new Cleanup.Leave(eni, "attached");
    }
    if (!eni.isAvailable()) {
      return new Cleanup.Leave(eni, "in transition (" + eni.status() + ")");
    }
    Optional<Instant> created = EniTags.createdAt(eni);
    if (created.isPresent() && created.get().plus(grace).isAfter(now)) {
      return new Cleanup.Leave(
          eni, "younger than the grace period of " + grace.toMinutes() + " min");
    }
    String profile = EniTags.profile(eni).orElse("?");
    if (tagged.isEmpty()) {
      return new Cleanup.Delete(eni, "available, and its instance tag names no instance");
    }
    if (instance.isEmpty()) {
      return new Cleanup.Delete(eni, "available, and its instance " + tagged.get() + " is gone");
    }
    if (instance.get().state().isGoingAway()) {
      return new Cleanup.Delete(
          eni, "available, and its instance " + tagged.get() + " is " + instance.get().state());
    }
    if (!stillMatches) {
      return new Cleanup.Delete(
          eni,
          "available, and its instance "
              + tagged.get()
              + " is out of scope or no longer matches profile "
              + profile);
    }
    return new Cleanup.Leave(eni, "its instance still matches: the reconcile attaches it");
  }
}
