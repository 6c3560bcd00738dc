package io.github.eksnoderemediator.port;

/**
 * A security group, as DescribeSecurityGroups reports it.
 *
 * @param id the group
 * @param name its name, unique within its VPC
 * @param vpcId its VPC
 */
public record SecurityGroup(SecurityGroupId id, String name, String vpcId) {}
