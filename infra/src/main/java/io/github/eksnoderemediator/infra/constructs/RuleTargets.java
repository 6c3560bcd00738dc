package io.github.eksnoderemediator.infra.constructs;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.sqs.IQueue;

/** What the rules of both functions share: the CloudTrail launch pattern and how they invoke. */
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
