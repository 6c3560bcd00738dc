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
import software.constructs.Construct;

/**
 * The two EventBridge rules (default bus) that send new instances to the IMDS function. Both listen
 * because neither is enough alone: state changes need no trail but arrive for every instance;
 * CloudTrail records arrive only with a trail, best effort, but name the launch. The function is
 * idempotent, so an instance seen by both is handled twice harmlessly.
 */
public final class ImdsRules extends Construct {
  /** How long EventBridge keeps retrying a target it cannot invoke (throttling, deleted alias). */
  static final int TARGET_RETRY_ATTEMPTS = 8;

  static final Duration TARGET_MAX_EVENT_AGE = Duration.hours(1);

  public ImdsRules(Construct scope, String id, IFunction target, IQueue deadLetterQueue) {
    super(scope, id);

    Rule stateChange =
        Rule.Builder.create(this, "StateChange")
            .description("EKS Node Remediator: instances entering pending or running")
            .eventPattern(
                EventPattern.builder()
                    .source(List.of("aws.ec2"))
                    .detailType(List.of("EC2 Instance State-change Notification"))
                    .detail(Map.of("state", List.of("pending", "running")))
                    .build())
            .build();

    Map<String, Object> launch = new LinkedHashMap<>();
    launch.put("eventSource", List.of("ec2.amazonaws.com"));
    launch.put("eventName", List.of("RunInstances", "CreateFleet"));
    // A failed call carries errorCode and launched nothing.
    launch.put("errorCode", List.of(Map.of("exists", false)));
    Rule cloudTrail =
        Rule.Builder.create(this, "CloudTrailLaunch")
            .description(
                "EKS Node Remediator: successful RunInstances and CreateFleet calls (needs a"
                    + " CloudTrail trail)")
            .eventPattern(
                EventPattern.builder()
                    .source(List.of("aws.ec2"))
                    .detailType(List.of("AWS API Call via CloudTrail"))
                    .detail(launch)
                    .build())
            .build();

    for (Rule rule : List.of(stateChange, cloudTrail)) {
      rule.addTarget(
          LambdaFunction.Builder.create(target)
              .retryAttempts(TARGET_RETRY_ATTEMPTS)
              .maxEventAge(TARGET_MAX_EVENT_AGE)
              .deadLetterQueue(deadLetterQueue)
              .build());
    }
  }
}
