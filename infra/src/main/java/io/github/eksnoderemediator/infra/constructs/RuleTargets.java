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
