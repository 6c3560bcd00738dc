package io.github.eksnoderemediator.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One secondary network interface every matching node must have: exactly one ENI of ours at {@code
 * (networkCardIndex, deviceIndex)}, in the instance's VPC and Availability Zone.
 *
 * @param name unique among profiles; goes into the ENI's ownership tag and its client token
 * @param cluster the cluster whose nodes it applies to
 * @param nodeGroup only nodes of this managed or eksctl node group, when present
 * @param nodePool only nodes of this Karpenter node pool, when present
 * @param matchTags only instances carrying all these tags (key to exact value)
 * @param subnets which subnets: the one in the instance's Availability Zone is used
 * @param securityGroups which security groups (at least one), resolved within the VPC
 * @param deviceIndex the device index, 1 or more (0 is the primary interface)
 * @param networkCardIndex the network card, 0 unless the instance type has several
 * @param deleteOnTermination whether EC2 deletes the ENI with the instance
 * @param description the ENI's description, when present
 * @param tags extra tags on the ENI
 * @param secondaryPrivateIpCount secondary private IPv4 addresses to assign at creation
 * @param sourceDestCheck the source/destination check to set, when present
 */
public record EniProfile(
    String name,
    String cluster,
    Optional<String> nodeGroup,
    Optional<String> nodePool,
    Map<String, String> matchTags,
    Selector subnets,
    Selector securityGroups,
    int deviceIndex,
    int networkCardIndex,
    boolean deleteOnTermination,
    Optional<String> description,
    Map<String, String> tags,
    int secondaryPrivateIpCount,
    Optional<Boolean> sourceDestCheck) {

  public EniProfile {
    matchTags = Map.copyOf(matchTags);
    tags = Map.copyOf(tags);
  }

  /**
   * Resources named by ids, or found by tags (subnets) or names (security groups), always within
   * the instance's VPC.
   *
   * @param ids explicit ids ({@code subnet-…}, {@code sg-…})
   * @param tags tag equalities a subnet must carry (subnets only)
   * @param names group names (security groups only)
   */
  public record Selector(List<String> ids, Map<String, String> tags, List<String> names) {
    public Selector {
      ids = List.copyOf(ids);
      tags = Map.copyOf(tags);
      names = List.copyOf(names);
    }
  }
}
