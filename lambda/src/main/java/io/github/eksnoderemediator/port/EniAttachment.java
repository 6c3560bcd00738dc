package io.github.eksnoderemediator.port;

import java.util.Optional;

/**
 * Where a network interface is attached.
 *
 * @param instance the instance it is attached to (empty for interfaces of other services)
 * @param networkCardIndex the network card; EC2 omits it on single-card types, which means 0
 * @param deviceIndex the device index; 0 is the primary interface
 * @param attachmentId what DetachNetworkInterface and the DeleteOnTermination change take
 * @param status attaching, attached, detaching or detached
 * @param deleteOnTermination whether EC2 deletes the interface with the instance
 */
public record EniAttachment(
    Optional<InstanceId> instance,
    int networkCardIndex,
    int deviceIndex,
    String attachmentId,
    AttachmentStatus status,
    boolean deleteOnTermination) {

  /** True when this attachment holds {@code (card, index)} of {@code id}. */
  public boolean holds(InstanceId id, int card, int index) {
    return instance.isPresent()
        && instance.get().equals(id)
        && networkCardIndex == card
        && deviceIndex == index
        && status.holdsSlot();
  }
}
