package io.github.eksnoderemediator.port;

/**
 * A subnet, as DescribeSubnets reports it.
 *
 * @param id the subnet
 * @param vpcId its VPC
 * @param availabilityZone its Availability Zone
 */
public record Subnet(SubnetId id, String vpcId, String availabilityZone) {}
