package io.github.eksnoderemediator.eni;

import io.github.eksnoderemediator.config.EniProfile;
import io.github.eksnoderemediator.port.SecurityGroupId;
import io.github.eksnoderemediator.port.Subnet;
import java.util.List;

/**
 * A profile's subnets and security groups, looked up in one VPC.
 *
 * @param profile the profile
 * @param vpcId the VPC they were looked up in
 * @param subnets the subnets its selector found there (all zones)
 * @param groups the security groups found there
 * @param missingGroups the configured ids and names that were not found there
 */
public record ResolvedProfile(
    EniProfile profile,
    String vpcId,
    List<Subnet> subnets,
    List<SecurityGroupId> groups,
    List<String> missingGroups) {

  public ResolvedProfile {
    subnets = List.copyOf(subnets);
    groups = List.copyOf(groups);
    missingGroups = List.copyOf(missingGroups);
  }
}
