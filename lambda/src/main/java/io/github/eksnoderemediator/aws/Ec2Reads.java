package io.github.eksnoderemediator.aws;

import io.github.eksnoderemediator.port.InstanceId;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DescribeInstancesResponse;
import software.amazon.awssdk.services.ec2.model.Instance;

/** The EC2 reads both functions' gateways share. */
final class Ec2Reads {
  private Ec2Reads() {}

  /**
   * One instance, as DescribeInstances reports it.
   *
   * @return empty when EC2 answers {@code InvalidInstanceID.NotFound}, which right after a launch
   *     can be eventual consistency rather than absence
   * @throws io.github.eksnoderemediator.port.Ec2CallException for any other failure
   */
  static Optional<Instance> describeOne(Ec2Client ec2, InstanceId id) {
    DescribeInstancesResponse response;
    try {
      response = ec2.describeInstances(r -> r.instanceIds(id.value()));
    } catch (SdkException e) {
      var failure = AwsErrors.classify(e);
      if (AwsErrors.INSTANCE_NOT_FOUND.equals(failure.errorCode())) {
        return Optional.empty();
      }
      throw failure;
    }
    return response.reservations().stream()
        .flatMap(r -> r.instances().stream())
        .filter(i -> id.value().equals(i.instanceId()))
        .findFirst();
  }
}
