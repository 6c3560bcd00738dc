package io.github.eksnoderemediator.port;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * What the scope rules need to know about an instance, whichever function describes it: the IMDS
 * function's {@link InstanceView} and the ENI function's richer view both provide it.
 */
public interface InstanceFacts {
  InstanceId id();

  InstanceState state();

  /** Its tags, key to value. */
  Map<String, String> tags();

  /** When it was launched, or null when EC2 did not say. */
  Instant launchTime();

  /** The service principal operating it, for an EC2 managed instance (EKS Auto Mode). */
  Optional<String> managedBy();
}
