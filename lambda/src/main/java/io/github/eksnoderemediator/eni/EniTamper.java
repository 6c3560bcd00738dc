package io.github.eksnoderemediator.eni;

import io.github.eksnoderemediator.events.Input.InterfaceChanged;
import io.github.eksnoderemediator.port.EniView;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.port.NetworkGateway;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which node an interface call by someone else touched, if the interface is one of ours. EC2 names
 * the interface in Delete and Modify requests and only the attachment in Detach; a deleted
 * interface can no longer be described, and a detach is usually complete before its CloudTrail
 * record arrives, so the interface is found by its ownership tags where the request alone does not
 * say.
 */
public final class EniTamper {
  private final NetworkGateway ec2;

  public EniTamper(NetworkGateway ec2) {
    this.ec2 = ec2;
  }

  /** What the call touched. */
  public sealed interface Touched {
    /** One or more nodes whose interface of ours was touched, and how they were found. */
    record Nodes(List<InstanceId> instances, String how) implements Touched {
      public Nodes {
        instances = List.copyOf(instances);
      }
    }

    /** Not an interface of ours: nothing to do. */
    record NotOurs(String why) implements Touched {}

    /** The interface is gone and left no trace of its node: only a sweep can tell. */
    record Untraceable(String why) implements Touched {}
  }

  /**
   * Finds which interface the call touched, and whose nodes it belongs to.
   *
   * @throws io.github.eksnoderemediator.port.Ec2CallException when EC2 cannot be read
   */
  public Touched find(InterfaceChanged call) {
    if (call.eni().isPresent()) {
      List<EniView> found = ec2.describeEnis(List.of(call.eni().get()));
      if (!found.isEmpty()) {
        EniView eni = found.get(0);
        if (!EniTags.isOurs(eni)) {
          return new Touched.NotOurs(
              eni.id() + " is not an interface of ours (no " + EniTags.PROFILE + " tag)");
        }
        Optional<InstanceId> owner =
            EniTags.instance(eni).or(() -> eni.attachment().flatMap(a -> a.instance()));
        return owner
            .<Touched>map(
                i ->
                    new Touched.Nodes(
                        List.of(i),
                        eni.id() + " (profile " + EniTags.profile(eni).orElse("?") + ") of " + i))
            .orElseGet(() -> new Touched.NotOurs(eni.id() + " names no instance"));
      }
    }
    List<EniView> ours = ec2.listEnisByTag(EniTags.PROFILE, Optional.empty());
    if (call.attachmentId().isPresent()) {
      for (EniView eni : ours) {
        if (eni.attachment()
            .map(a -> a.attachmentId().equals(call.attachmentId().get()))
            .orElse(false)) {
          Optional<InstanceId> owner =
              EniTags.instance(eni).or(() -> eni.attachment().flatMap(a -> a.instance()));
          if (owner.isPresent()) {
            return new Touched.Nodes(
                List.of(owner.get()),
                eni.id() + " (" + call.attachmentId().get() + ") of " + owner.get());
          }
        }
      }
      // The detach has completed: EC2 no longer links the attachment to the interface. An
      // interface of ours left detached names its node in its tags.
      Set<InstanceId> nodes = new LinkedHashSet<>();
      List<String> which = new ArrayList<>();
      for (EniView eni : ours) {
        if (eni.isAvailable() && EniTags.instance(eni).isPresent()) {
          nodes.add(EniTags.instance(eni).get());
          which.add(eni.id() + " of " + EniTags.instance(eni).get());
        }
      }
      return nodes.isEmpty()
          ? new Touched.NotOurs(
              "no interface of ours carries "
                  + call.attachmentId().get()
                  + " or is left detached: not ours, or already reconciled")
          : new Touched.Nodes(
              List.copyOf(nodes), "interfaces of ours left detached: " + String.join(", ", which));
    }
    return new Touched.Untraceable(
        call.eni().map(Object::toString).orElse("the interface")
            + " no longer exists, and EC2 keeps no tags of a deleted interface");
  }
}
