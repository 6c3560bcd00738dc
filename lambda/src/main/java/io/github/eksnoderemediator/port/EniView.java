package io.github.eksnoderemediator.port;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One network interface, as DescribeNetworkInterfaces reports it.
 *
 * @param id the interface
 * @param status available, attaching, in-use, detaching
 * @param subnet its subnet
 * @param vpcId its VPC
 * @param availabilityZone its Availability Zone (the subnet's)
 * @param groups its security groups
 * @param description its description (empty when none)
 * @param sourceDestCheck its source/destination check
 * @param tags its tags, key to value
 * @param attachment where it is attached, when it is
 */
public record EniView(
    EniId id,
    EniStatus status,
    SubnetId subnet,
    String vpcId,
    String availabilityZone,
    List<SecurityGroupId> groups,
    String description,
    boolean sourceDestCheck,
    Map<String, String> tags,
    Optional<EniAttachment> attachment) {

  public EniView {
    groups = List.copyOf(groups);
    tags = Map.copyOf(tags);
  }

  /** Not attached to anything: the only state in which EC2 lets it be attached or deleted. */
  public boolean isAvailable() {
    return status == EniStatus.AVAILABLE
        && attachment.map(a -> !a.status().holdsSlot()).orElse(true);
  }
}
