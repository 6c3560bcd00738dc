package io.github.eksnoderemediator.port;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * What the remediator needs to know about one instance, as DescribeInstances reports it.
 *
 * @param id the instance
 * @param state its lifecycle state
 * @param tags its tags, key to value
 * @param metadataOptions its current metadata options
 * @param launchTime when it was launched
 * @param managedBy the service principal that manages it ({@code Operator.Principal} of an EC2
 *     managed instance, for example {@code eks.amazonaws.com} for EKS Auto Mode), or empty
 */
public record InstanceView(
    InstanceId id,
    InstanceState state,
    Map<String, String> tags,
    MetadataOptions metadataOptions,
    Instant launchTime,
    Optional<String> managedBy)
    implements InstanceFacts {

  public InstanceView {
    tags = Map.copyOf(tags);
  }
}
