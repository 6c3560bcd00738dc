package io.github.eksnoderemediator.port;

import java.util.Optional;

/**
 * The EC2 calls the IMDS remediator makes, in domain terms. Implementations map SDK errors to
 * {@link Ec2CallException} and leave throttling and 5xx retries to the SDK's retry strategy.
 */
public interface Ec2Gateway {

  /**
   * Describes one instance.
   *
   * @return empty when EC2 answers {@code InvalidInstanceID.NotFound}; right after launch that can
   *     be eventual consistency, not absence
   * @throws Ec2CallException for any other failure
   */
  Optional<InstanceView> describeInstance(InstanceId id);

  /**
   * Describes many instances with as few calls as EC2 allows: one DescribeInstances per 1,000 ids.
   *
   * @return the instances EC2 shows, by id; an id EC2 does not show (yet) is absent
   * @throws Ec2CallException for any failure other than an id not found
   */
  java.util.Map<InstanceId, InstanceView> describeInstances(java.util.Collection<InstanceId> ids);

  /**
   * Sets the instance's {@code HttpTokens}, {@code HttpPutResponseHopLimit} and {@code
   * HttpEndpoint} to {@code target}'s, always sending all three, and nothing else.
   *
   * @return the options EC2 reports in its response (state {@code pending} on a running instance)
   * @throws Ec2CallException when EC2 refuses
   */
  MetadataOptions modifyMetadataOptions(InstanceId id, MetadataOptions target);

  /**
   * As {@link #modifyMetadataOptions}, in one attempt: a throttled answer comes back at once as
   * {@link Ec2CallException.Kind#THROTTLED} instead of being retried, for a caller whose pacer
   * allows every attempt and learns from each throttled one (the launch queue's batches). A gateway
   * without retries of its own needs nothing else.
   */
  default MetadataOptions modifyMetadataOptionsOnce(InstanceId id, MetadataOptions target) {
    return modifyMetadataOptions(id, target);
  }

  /**
   * Terminates instances: only leaked canary instances, which the IMDS role may terminate and
   * nothing else (its policy conditions on the canary tag).
   *
   * @throws Ec2CallException when EC2 refuses
   */
  void terminateInstances(java.util.List<InstanceId> ids);

  /**
   * Sends the same ModifyInstanceMetadataOptions as {@link #modifyMetadataOptions} with {@code
   * DryRun=true}: EC2 checks the role's permissions for exactly these values and changes nothing.
   */
  DryRunAnswer dryRunModifyMetadataOptions(InstanceId id, MetadataOptions target);

  /**
   * Up to {@code max} running instances, whatever their tags (one DescribeInstances page with a
   * state filter): the permissions check looks among them for one that is not a node.
   */
  java.util.List<InstanceView> sampleRunningInstances(int max);

  /**
   * Lists the instances that carry an EKS cluster tag and are not going away, with
   * DescribeInstances tag-key and state filters and pages of 1,000: never an unfiltered scan.
   *
   * @param clusters the clusters in scope, to narrow the {@code kubernetes.io/cluster/<name>}
   *     filter; empty means every cluster
   * @throws Ec2CallException when a page cannot be read
   */
  NodeListing listNodes(java.util.Set<String> clusters);

  /**
   * The metadata options a launch template version states.
   *
   * @return empty when the template or version does not exist
   * @throws Ec2CallException for any other failure
   */
  Optional<TemplateOptions> launchTemplateOptions(LaunchTemplateRef template);

  /**
   * The account's instance-metadata defaults in this Region (GetInstanceMetadataDefaults),
   * including whether IMDSv2 is enforced and who manages them.
   *
   * @throws Ec2CallException when they cannot be read
   */
  MetadataDefaults accountMetadataDefaults();

  /**
   * The instances of one listing.
   *
   * @param nodes the instances, in EC2's order
   * @param pages how many DescribeInstances pages it took
   */
  record NodeListing(java.util.List<InstanceView> nodes, int pages) {
    public NodeListing {
      nodes = java.util.List.copyOf(nodes);
    }
  }
}
