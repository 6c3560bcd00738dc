package io.github.eksnoderemediator.verify;

import io.github.eksnoderemediator.check.PermissionsReport;
import io.github.eksnoderemediator.port.MetadataDefaults;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the pipeline check read about one deployed stack, as plain data: {@link Verdicts} turns it
 * into lines without another call. A part that could not be read carries the reason instead (an
 * access refusal is a finding, not a crash).
 *
 * @param stackName the CloudFormation stack
 * @param region the Region the check ran in
 * @param stackChanged when the stack was created or last updated (a sweep may not have run yet)
 * @param now when the facts were read
 * @param outputs the stack's outputs by key
 * @param rules every {@code AWS::Events::Rule} of the stack
 * @param trails every trail {@code DescribeTrails} lists here (shadow and organization trails
 *     included), or why they could not be read
 * @param mappings every {@code AWS::Lambda::EventSourceMapping} of the stack
 * @param queues every {@code AWS::SQS::Queue} of the stack
 * @param aliases the {@code live} alias of each function the outputs name
 * @param sweep the IMDS sweep's schedule and its last completion
 * @param imdsDefaults the account's instance-metadata defaults here, or why they could not be read
 * @param securityHub Security Hub and EC2.8, when the deployment's {@code
 *     securityHub.updateFindings} is on; empty when it is off
 * @param forwarding the rules that forward to another event bus (the central view), with their
 *     failed invocations
 * @param permissions each function's permissions check, when it was run
 */
public record Facts(
    String stackName,
    String region,
    Instant stackChanged,
    Instant now,
    Map<String, String> outputs,
    List<Rule> rules,
    Read<List<Trail>> trails,
    List<Mapping> mappings,
    List<Queue> queues,
    List<FunctionAlias> aliases,
    Read<Sweep> sweep,
    Read<MetadataDefaults> imdsDefaults,
    Optional<Read<SecurityHub>> securityHub,
    List<Forwarding> forwarding,
    List<Permissions> permissions) {

  public Facts {
    outputs = new TreeMap<>(outputs);
    rules = List.copyOf(rules);
    mappings = List.copyOf(mappings);
    queues = List.copyOf(queues);
    aliases = List.copyOf(aliases);
    forwarding = List.copyOf(forwarding);
    permissions = List.copyOf(permissions);
  }

  /**
   * A value read from AWS, or the one line saying why it could not be.
   *
   * @param value present when the read succeeded
   * @param error present when it did not (e.g. {@code AccessDeniedException: ...})
   */
  public record Read<T>(Optional<T> value, Optional<String> error) {
    public static <T> Read<T> of(T value) {
      return new Read<>(Optional.of(value), Optional.empty());
    }

    public static <T> Read<T> failed(String error) {
      return new Read<>(Optional.empty(), Optional.of(error));
    }
  }

  /**
   * An EventBridge rule.
   *
   * @param logicalId its logical id in the stack
   * @param name its name
   * @param bus its event bus ({@code default} for the default bus)
   * @param state {@code ENABLED}, {@code DISABLED}, ...; empty when the rule is gone
   * @param eventPattern its pattern, when it has one
   * @param schedule its schedule expression, when it has one
   * @param targets the ARNs of its targets
   */
  public record Rule(
      String logicalId,
      String name,
      String bus,
      Optional<String> state,
      Optional<String> eventPattern,
      Optional<String> schedule,
      List<String> targets) {
    public Rule {
      targets = List.copyOf(targets);
    }
  }

  /**
   * A CloudTrail trail as seen from this Region.
   *
   * @param homeRegion where it was created; a multi-Region trail records here too
   * @param logging {@code GetTrailStatus}'s IsLogging; empty when its status or selectors could not
   *     be read (an organization trail read from a member account)
   * @param statusError why the status or selectors could not be read
   * @param latestDeliveryError the last error delivering log files, if any
   * @param basic its basic event selectors
   * @param advanced its advanced event selectors (a trail has one kind or the other)
   */
  public record Trail(
      String name,
      String arn,
      String homeRegion,
      boolean multiRegion,
      boolean organization,
      Optional<Boolean> logging,
      Optional<String> statusError,
      Optional<String> latestDeliveryError,
      List<BasicSelector> basic,
      List<AdvancedSelector> advanced) {
    public Trail {
      basic = List.copyOf(basic);
      advanced = List.copyOf(advanced);
    }
  }

  /**
   * A basic event selector.
   *
   * @param readWriteType {@code All}, {@code ReadOnly} or {@code WriteOnly}
   * @param includeManagementEvents whether it records management events at all
   */
  public record BasicSelector(String readWriteType, boolean includeManagementEvents) {}

  /** An advanced event selector: all of its field selectors must match. */
  public record AdvancedSelector(String name, List<FieldSelector> fields) {
    public AdvancedSelector {
      fields = List.copyOf(fields);
    }
  }

  /** One field of an advanced event selector ({@code eventCategory}, {@code readOnly}, ...). */
  public record FieldSelector(String field, List<String> equalsTo, List<String> notEquals) {
    public FieldSelector {
      equalsTo = List.copyOf(equalsTo);
      notEquals = List.copyOf(notEquals);
    }
  }

  /**
   * An event source mapping (launch queue to function).
   *
   * @param state {@code Enabled}, {@code Disabled}, {@code Enabling}, ...; empty when it is gone
   */
  public record Mapping(
      String logicalId,
      String uuid,
      Optional<String> state,
      Optional<String> sourceArn,
      Optional<String> functionArn) {}

  /**
   * A queue with its depth.
   *
   * @param visible {@code ApproximateNumberOfMessages}
   * @param inFlight {@code ApproximateNumberOfMessagesNotVisible}
   * @param deadLetterTarget the ARN of its redrive policy's dead-letter queue, if it has one
   * @param error why it could not be read
   */
  public record Queue(
      String logicalId,
      String url,
      String arn,
      long visible,
      long inFlight,
      Optional<String> deadLetterTarget,
      Optional<String> error) {}

  /**
   * A function's {@code live} alias and the version it points at.
   *
   * @param function {@code IMDS} or {@code ENI}
   * @param version the alias's version; empty when the alias could not be read
   * @param state the version's state ({@code Active}, {@code Failed}, ...)
   * @param lastUpdateStatus {@code Successful}, {@code Failed}, {@code InProgress}
   * @param snapStartApplyOn {@code PublishedVersions} or {@code None}
   * @param snapStartOptimization {@code On} or {@code Off}
   * @param error why it could not be read
   */
  public record FunctionAlias(
      String function,
      String functionName,
      String alias,
      Optional<String> version,
      Optional<String> state,
      Optional<String> lastUpdateStatus,
      Optional<String> lastUpdateReason,
      Optional<String> snapStartApplyOn,
      Optional<String> snapStartOptimization,
      Optional<String> error) {}

  /**
   * The IMDS sweep.
   *
   * @param ruleName the schedule rule that starts it
   * @param schedule its schedule expression, e.g. {@code rate(15 minutes)}
   * @param lastCompleted the last minute a sweep reported {@code SweepsCompleted}, in the window
   *     read
   * @param lastFailedInvocation the last minute EventBridge failed to invoke the function for it
   * @param window how far back the metrics were read
   */
  public record Sweep(
      String ruleName,
      String schedule,
      Optional<Instant> lastCompleted,
      Optional<Instant> lastFailedInvocation,
      java.time.Duration window) {}

  /**
   * Security Hub in this account and Region.
   *
   * @param enabled {@code DescribeHub} answered
   * @param ec2Point8 the association of control EC2.8 with each enabled standard: standard ARN to
   *     {@code ENABLED} or {@code DISABLED}
   */
  public record SecurityHub(boolean enabled, Map<String, String> ec2Point8) {
    public SecurityHub {
      ec2Point8 = new TreeMap<>(ec2Point8);
    }
  }

  /**
   * A rule that forwards decision events to another event bus.
   *
   * @param failedInvocations the rule's {@code FailedInvocations} over the window read
   */
  public record Forwarding(
      String ruleName,
      String target,
      Optional<String> state,
      Read<Long> failedInvocations,
      java.time.Duration window) {}

  /** One function's permissions check, run by invoking its {@code live} alias. */
  public record Permissions(String function, Read<PermissionsReport> report) {}
}
