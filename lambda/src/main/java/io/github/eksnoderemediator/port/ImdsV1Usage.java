package io.github.eksnoderemediator.port;

import java.time.Instant;
import java.util.Collection;
import java.util.Map;

/**
 * How many IMDSv1 calls (requests without a session token) instances made: CloudWatch's {@code
 * MetadataNoToken} metric, namespace {@code AWS/EC2}, dimension {@code InstanceId}. AWS advises
 * reading it before requiring tokens on a running instance.
 */
public interface ImdsV1Usage {
  /** The most metrics one GetMetricData call reads. */
  int MAX_PER_CALL = 500;

  /**
   * Sums each instance's {@code MetadataNoToken} over {@code [start, end)}, in one GetMetricData
   * call per {@value #MAX_PER_CALL} instances.
   *
   * @return the sum for every instance that has datapoints in the window; an instance without any
   *     is left out
   * @throws Ec2CallException when CloudWatch refuses or cannot be reached, after the SDK's retries
   */
  Map<InstanceId, Long> noTokenCalls(Collection<InstanceId> ids, Instant start, Instant end);
}
