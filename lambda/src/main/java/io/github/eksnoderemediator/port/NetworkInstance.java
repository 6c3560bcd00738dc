package io.github.eksnoderemediator.port;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the ENI function needs to know about one instance, as DescribeInstances reports it.
 *
 * @param id the instance
 * @param state its lifecycle state
 * @param tags its tags, key to value
 * @param launchTime when it was launched, or null when EC2 did not say
 * @param managedBy the service principal of an EC2 managed instance (EKS Auto Mode), or empty
 * @param vpcId its VPC
 * @param availabilityZone its Availability Zone
 * @param instanceType its type, for the interface limits
 * @param interfaces every interface attached to it, the primary included
 */
public record NetworkInstance(
    InstanceId id,
    InstanceState state,
    Map<String, String> tags,
    Instant launchTime,
    Optional<String> managedBy,
    String vpcId,
    String availabilityZone,
    String instanceType,
    List<Interface> interfaces)
    implements InstanceFacts {

  public NetworkInstance {
    tags = Map.copyOf(tags);
    interfaces = List.copyOf(interfaces);
  }

  /** The interface holding {@code (card, index)}, if any. */
  public Optional<Interface> at(int card, int index) {
    return interfaces.stream()
        .filter(
            i ->
                i.attachment().networkCardIndex() == card
                    && i.attachment().deviceIndex() == index
                    && i.attachment().status().holdsSlot())
        .findFirst();
  }

  /**
   * One attached interface.
   *
   * @param eni the interface
   * @param attachment where and how it is attached
   */
  public record Interface(EniId eni, EniAttachment attachment) {}
}
