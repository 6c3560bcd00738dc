package io.github.eksnoderemediator.infra.constructs;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.events.targets.SqsQueue;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.sqs.IQueue;

/**
 * What the rules of both functions share: the CloudTrail launch pattern and the two ways a rule
 * reaches its function. Every event about particular instances goes to the function's launch queue
 * ({@link #enqueue}); only the sweep schedule invokes the alias directly ({@link #invoke}). A new
 * rule about instances calls {@link #enqueue} too.
 */
final class RuleTargets {
  /** How long EventBridge keeps retrying a target it cannot invoke (throttling, deleted alias). */
  static final int TARGET_RETRY_ATTEMPTS = 8;

  static final Duration TARGET_MAX_EVENT_AGE = Duration.hours(1);

  private RuleTargets() {}

  /** Successful RunInstances and CreateFleet calls, as CloudTrail reports them to EventBridge. */
  static EventPattern cloudTrailLaunches() {
    Map<String, Object> launch = new LinkedHashMap<>();
    launch.put("eventSource", List.of("ec2.amazonaws.com"));
    launch.put("eventName", List.of("RunInstances", "CreateFleet"));
    // A failed call carries errorCode and launched nothing.
    launch.put("errorCode", List.of(Map.of("exists", false)));
    return EventPattern.builder()
        .source(List.of("aws.ec2"))
        .detailType(List.of("AWS API Call via CloudTrail"))
        .detail(launch)
        .build();
  }

  /**
   * Successful ModifyInstanceMetadataOptions calls by anyone but {@code ownRoleArn}. The exclusion
   * is in the pattern, so the function's own writes never invoke it. It tests {@code
   * userIdentity.sessionContext.sessionIssuer.arn}: for an assumed role (the function's execution
   * role, SSO, a pod's role) that is the IAM role's ARN, exactly what {@code Fn::GetAtt Role.Arn}
   * gives, while {@code userIdentity.arn} is the STS session ARN, which carries a session name. An
   * IAM user, the root user or a service has no session issuer: {@code exists: false} keeps those.
   */
  static EventPattern metadataOptionsChangedByOthers(String ownRoleArn) {
    return callsByOthers(List.of("ModifyInstanceMetadataOptions"), ownRoleArn);
  }

  /**
   * Successful EC2 calls named {@code eventNames} by anyone but {@code ownRoleArn}, excluded in the
   * pattern as {@link #metadataOptionsChangedByOthers} explains.
   */
  static EventPattern callsByOthers(List<String> eventNames, String ownRoleArn) {
    Map<String, Object> call = new LinkedHashMap<>();
    call.put("eventSource", List.of("ec2.amazonaws.com"));
    call.put("eventName", eventNames);
    call.put("errorCode", List.of(Map.of("exists", false)));
    call.put(
        "userIdentity",
        Map.of(
            "sessionContext",
            Map.of(
                "sessionIssuer",
                Map.of(
                    "arn", List.of(Map.of("anything-but", ownRoleArn), Map.of("exists", false))))));
    return EventPattern.builder()
        .source(List.of("aws.ec2"))
        .detailType(List.of("AWS API Call via CloudTrail"))
        .detail(call)
        .build();
  }

  /**
   * Makes the rule send its events to {@code queue} (the function's {@link LaunchQueue}), as the
   * message body unchanged, EventBridge retrying for up to an hour and then sending the event to
   * {@code deadLetterQueue}. The target adds the queue policy that lets this rule, and only it,
   * send.
   */
  static void enqueue(Rule rule, IQueue queue, IQueue deadLetterQueue) {
    rule.addTarget(
        SqsQueue.Builder.create(queue)
            .retryAttempts(TARGET_RETRY_ATTEMPTS)
            .maxEventAge(TARGET_MAX_EVENT_AGE)
            .deadLetterQueue(deadLetterQueue)
            .build());
  }

  /**
   * Makes the rule invoke {@code alias}, EventBridge retrying for up to an hour and then sending
   * the event to {@code deadLetterQueue}.
   */
  static void invoke(Rule rule, IFunction alias, IQueue deadLetterQueue) {
    rule.addTarget(
        LambdaFunction.Builder.create(alias)
            .retryAttempts(TARGET_RETRY_ATTEMPTS)
            .maxEventAge(TARGET_MAX_EVENT_AGE)
            .deadLetterQueue(deadLetterQueue)
            .build());
  }
}
