package io.github.eksnoderemediator.eni;

import io.github.eksnoderemediator.port.EniAttachment;
import io.github.eksnoderemediator.port.EniId;
import io.github.eksnoderemediator.port.EniStatus;
import io.github.eksnoderemediator.port.EniView;
import io.github.eksnoderemediator.port.NetworkInstance;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What one reconcile run has already written, laid over what EC2 describes. EC2 is eventually
 * consistent (EC2 Developer Guide, "eventual-consistency"): right after a write, a describe can
 * still show the state before it. Without this memory the next round would plan the same write
 * again: create a second interface, attach twice. With it, a run never recreates what it created,
 * and EC2's answers are only overridden where they do not show the run's own writes yet.
 */
public final class RunMemory {
  private final Map<String, EniView> created = new HashMap<>();
  private final Set<String> awaitingCreated = new HashSet<>();
  private final Map<EniId, EniAttachment> attached = new HashMap<>();
  private final Map<EniId, Boolean> deleteOnTermination = new HashMap<>();
  private final Map<EniId, Boolean> sourceDestCheck = new HashMap<>();
  private final Set<EniId> deleted = new HashSet<>();
  private boolean attachRefusedWhilePending;

  /** An empty memory: what a dry run and a first round see. */
  public static RunMemory empty() {
    return new RunMemory();
  }

  void created(String profile, EniView eni) {
    created.put(profile, eni);
    awaitingCreated.remove(profile);
  }

  /**
   * The create for this profile was answered {@code IdempotentParameterMismatch}: an earlier
   * request with the same token made the interface, which EC2 does not show yet.
   */
  void awaitCreated(String profile) {
    awaitingCreated.add(profile);
  }

  void attached(EniId eni, EniAttachment attachment) {
    attached.put(eni, attachment);
  }

  void deleteOnTermination(EniId eni, boolean value) {
    deleteOnTermination.put(eni, value);
  }

  void sourceDestCheck(EniId eni, boolean value) {
    sourceDestCheck.put(eni, value);
  }

  void deleted(EniId eni) {
    deleted.add(eni);
  }

  /** EC2 refused an attach because the instance is still {@code pending}. */
  void refuseAttachWhilePending() {
    attachRefusedWhilePending = true;
  }

  /**
   * True once EC2 refused an attach to the still-pending instance: the next attach waits until a
   * describe shows it running, instead of spending an attach call per round.
   */
  public boolean attachRefusedWhilePending() {
    return attachRefusedWhilePending;
  }

  /** The interface this run created for the profile, if it did. */
  public Optional<EniView> createdFor(String profile) {
    return Optional.ofNullable(created.get(profile));
  }

  /** True when the profile's interface exists (a token said so) but EC2 does not show it yet. */
  public boolean awaitingCreated(String profile) {
    return awaitingCreated.contains(profile);
  }

  /** True when this run attached the interface. */
  public boolean attachedByThisRun(EniId eni) {
    return attached.containsKey(eni);
  }

  /** Our interfaces as EC2 shows them, corrected by this run's own writes. */
  public List<EniView> overlay(List<EniView> observed) {
    List<EniView> out = new ArrayList<>();
    Set<EniId> seen = new HashSet<>();
    for (EniView eni : observed) {
      seen.add(eni.id());
      if (!deleted.contains(eni.id())) {
        out.add(correct(eni));
      }
    }
    for (EniView eni : created.values()) {
      if (!seen.contains(eni.id()) && !deleted.contains(eni.id())) {
        out.add(correct(eni));
      }
    }
    return out;
  }

  /** The instance as EC2 shows it, corrected by this run's own attaches and deletes. */
  public NetworkInstance overlay(NetworkInstance observed) {
    List<NetworkInstance.Interface> interfaces = new ArrayList<>();
    Set<EniId> seen = new HashSet<>();
    for (NetworkInstance.Interface i : observed.interfaces()) {
      seen.add(i.eni());
      if (deleted.contains(i.eni())) {
        continue;
      }
      EniAttachment a = i.attachment();
      if (deleteOnTermination.containsKey(i.eni())) {
        a = withDeleteOnTermination(a, deleteOnTermination.get(i.eni()));
      }
      interfaces.add(new NetworkInstance.Interface(i.eni(), a));
    }
    attached.forEach(
        (eni, a) -> {
          if (!seen.contains(eni) && a.instance().equals(Optional.of(observed.id()))) {
            interfaces.add(
                new NetworkInstance.Interface(
                    eni,
                    withDeleteOnTermination(
                        a, deleteOnTermination.getOrDefault(eni, a.deleteOnTermination()))));
          }
        });
    return new NetworkInstance(
        observed.id(),
        observed.state(),
        observed.tags(),
        observed.launchTime(),
        observed.managedBy(),
        observed.vpcId(),
        observed.availabilityZone(),
        observed.instanceType(),
        interfaces);
  }

  private EniView correct(EniView eni) {
    EniStatus status = eni.status();
    Optional<EniAttachment> attachment = eni.attachment();
    boolean showsAttached = attachment.map(a -> a.status().holdsSlot()).orElse(false);
    if (attached.containsKey(eni.id()) && !showsAttached) {
      attachment = Optional.of(attached.get(eni.id()));
      status = EniStatus.IN_USE;
    }
    if (deleteOnTermination.containsKey(eni.id())) {
      boolean dot = deleteOnTermination.get(eni.id());
      attachment = attachment.map(a -> withDeleteOnTermination(a, dot));
    }
    boolean sdc = sourceDestCheck.getOrDefault(eni.id(), eni.sourceDestCheck());
    return new EniView(
        eni.id(),
        status,
        eni.subnet(),
        eni.vpcId(),
        eni.availabilityZone(),
        eni.groups(),
        eni.description(),
        sdc,
        eni.tags(),
        attachment);
  }

  private static EniAttachment withDeleteOnTermination(EniAttachment a, boolean value) {
    return new EniAttachment(
        a.instance(), a.networkCardIndex(), a.deviceIndex(), a.attachmentId(), a.status(), value);
  }
}
