package io.github.eksnoderemediator.aws;

import io.github.eksnoderemediator.port.InstanceId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DescribeInstancesResponse;
import software.amazon.awssdk.services.ec2.model.Filter;
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

  /** The most instance ids one DescribeInstances call takes. */
  static final int IDS_PER_CALL = 1000;

  /** EC2's limit on the values of one call's filters ({@code FilterLimitExceeded} above it). */
  static final int FILTER_VALUES_PER_CALL = 200;

  /**
   * Many instances, one DescribeInstances call per {@value #IDS_PER_CALL} ids. EC2 refuses the
   * whole call with {@code InvalidInstanceID.NotFound} when any one id is unknown, which right
   * after a launch is eventual consistency; that chunk is then read again with the {@code
   * instance-id} filter, which returns what exists and never fails for the rest, {@value
   * #FILTER_VALUES_PER_CALL} ids per call.
   *
   * @return the instances EC2 shows; an id it does not show is left out
   * @throws io.github.eksnoderemediator.port.Ec2CallException for any other failure
   */
  static List<Instance> describeMany(Ec2Client ec2, Collection<InstanceId> ids) {
    List<String> all = ids.stream().map(InstanceId::value).distinct().toList();
    List<Instance> found = new ArrayList<>();
    try {
      for (List<String> chunk : chunks(all, IDS_PER_CALL)) {
        try {
          ec2.describeInstances(r -> r.instanceIds(chunk))
              .reservations()
              .forEach(r -> found.addAll(r.instances()));
        } catch (SdkException e) {
          var failure = AwsErrors.classify(e);
          if (!AwsErrors.INSTANCE_NOT_FOUND.equals(failure.errorCode())) {
            throw failure;
          }
          for (List<String> part : chunks(chunk, FILTER_VALUES_PER_CALL)) {
            ec2.describeInstances(
                    r -> r.filters(Filter.builder().name("instance-id").values(part).build()))
                .reservations()
                .forEach(r -> found.addAll(r.instances()));
          }
        }
      }
    } catch (SdkException e) {
      throw AwsErrors.classify(e);
    }
    return found;
  }

  private static List<List<String>> chunks(List<String> ids, int size) {
    List<List<String>> chunks = new ArrayList<>();
    for (int i = 0; i < ids.size(); i += size) {
      chunks.add(ids.subList(i, Math.min(ids.size(), i + size)));
    }
    return chunks;
  }
}
