package io.github.eksnoderemediator.canary;

import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.port.MetadataDefaults;
import io.github.eksnoderemediator.port.SubnetId;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the canary asks of AWS, in its own terms: launch, watch and end one instance, and read the
 * few facts that name the cause of a failed path. Implemented over the SDK in {@code aws/}; tests
 * use the emulator through the same implementation.
 */
public interface CanaryCloud {
  /** The account's IMDS defaults in this Region (GetInstanceMetadataDefaults). */
  MetadataDefaults imdsDefaults();

  /** {@code arm64} or {@code x86_64}: the architecture an instance type runs. */
  String architectureOf(String instanceType);

  /** The current AL2023 minimal AMI for an architecture, from AWS's public SSM parameter. */
  String latestAmi(String architecture);

  /**
   * One instance to launch.
   *
   * @param tags in the order they are written
   */
  record LaunchSpec(
      String ami,
      String instanceType,
      SubnetId subnet,
      Map<String, String> tags,
      boolean tokensRequired,
      int hopLimit) {
    public LaunchSpec {
      tags = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(tags));
    }
  }

  /** What a launch did. */
  sealed interface LaunchOutcome permits Launched, Refused {}

  /** The instance runs (or is pending). */
  record Launched(InstanceId id) implements LaunchOutcome {}

  /** EC2 refused the launch, with its error code and message. */
  record Refused(String code, String message) implements LaunchOutcome {}

  LaunchOutcome launch(LaunchSpec spec);

  /**
   * An instance's metadata options and state, as DescribeInstances reports them.
   *
   * @param state {@code pending}, {@code running}, {@code terminated}, ...
   */
  record Observed(String state, boolean tokensRequired, int hopLimit) {}

  /** The instance's options now, or empty when EC2 no longer knows it. */
  Optional<Observed> observe(InstanceId id);

  /** Loosens an instance's options with the caller's own credentials. */
  void loosen(InstanceId id, boolean tokensRequired, int hopLimit);

  /** Terminates instances (idempotent: a terminated or unknown instance is fine). */
  void terminate(List<InstanceId> ids);

  /** The ARN of the credentials the canary runs with (STS GetCallerIdentity). */
  String callerArn();

  /**
   * A decision the remediator logged about an instance.
   *
   * @param input what the decision answered ({@code ModifyInstanceMetadataOptions via CloudTrail})
   * @param decision {@code CHANGED}, {@code COMPLIANT}, ...
   * @param caller the principal the decision names as having loosened the node, or empty
   */
  record LoggedDecision(String input, String decision, Optional<String> caller) {}

  /** Decisions about {@code id} written to a log group since {@code since}, oldest first. */
  List<LoggedDecision> decisions(String logGroup, InstanceId id, Instant since);

  /** The causes a failed path can have, as small reads. */
  interface Causes {
    /** Why no trail delivers management write events in this Region, or empty when one does. */
    Optional<String> trailProblem();

    /** Names of the EventBridge rules whose name starts with {@code prefix} that are disabled. */
    List<String> disabledRules(String prefix);

    /** Queues whose name starts with {@code prefix} and holds dead letters: name to depth. */
    Map<String, Integer> deadLetters(String prefix);
  }

  Causes causes();
}
