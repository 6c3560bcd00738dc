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
   * Sets the instance's {@code HttpTokens}, {@code HttpPutResponseHopLimit} and {@code
   * HttpEndpoint} to {@code target}'s, always sending all three, and nothing else.
   *
   * @return the options EC2 reports in its response (state {@code pending} on a running instance)
   * @throws Ec2CallException when EC2 refuses
   */
  MetadataOptions modifyMetadataOptions(InstanceId id, MetadataOptions target);
}
