package io.github.eksnoderemediator.infra.constructs;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.sqs.IQueue;
import software.constructs.Construct;

/**
 * The three EventBridge rules (default bus) of the ENI function. Instances that reach {@code
 * running} are reconciled (an ENI can only be attached to a running or stopped instance, so {@code
 * pending} is not asked for); instances that go away are cleaned up; CloudTrail launches are a
 * second, best-effort path to the same reconcile; and the schedule runs the sweep, which repairs
 * whatever the events missed. The function is idempotent, so overlapping deliveries are harmless.
 */
public final class EniRules extends Construct {

  /**
   * @param target the function's {@code live} alias, which the sweep schedule invokes
   * @param launchQueue the function's launch queue, where the event rules send their events
   * @param deadLetterQueue where EventBridge puts what it could not deliver
   * @param sweepRate how often the sweep runs ({@code eni.sweep.rateMinutes})
   * @param ownRoleArn the ENI function's execution role, whose own interface calls the tamper rule
   *     leaves out
   */
  public EniRules(
      Construct scope,
      String id,
      IFunction target,
      IQueue launchQueue,
      IQueue deadLetterQueue,
      Duration sweepRate,
      String ownRoleArn) {
    super(scope, id);

    Rule stateChange =
        Rule.Builder.create(this, "StateChange")
            .description(
                "EKS Node Remediator ENI: instances running (reconcile), shutting down or"
                    + " terminated (cleanup)")
            .eventPattern(
                EventPattern.builder()
                    .source(List.of("aws.ec2"))
                    .detailType(List.of("EC2 Instance State-change Notification"))
                    .detail(Map.of("state", List.of("running", "shutting-down", "terminated")))
                    .build())
            .build();

    Rule cloudTrail =
        Rule.Builder.create(this, "CloudTrailLaunch")
            .description(
                "EKS Node Remediator ENI: successful RunInstances and CreateFleet calls (needs a"
                    + " CloudTrail trail)")
            .eventPattern(RuleTargets.cloudTrailLaunches())
            .build();

    Rule sweep =
        Rule.Builder.create(this, "Sweep")
            .description(
                "EKS Node Remediator ENI: the sweep (orphaned interfaces, missing interfaces)")
            .schedule(Schedule.rate(software.amazon.awscdk.Duration.minutes(sweepRate.toMinutes())))
            .build();

    // Someone else detaching, deleting or changing an interface of ours: reconcile its node now.
    Rule touched =
        Rule.Builder.create(this, "InterfaceTouched")
            .description(
                "EKS Node Remediator ENI: successful Detach/DeleteNetworkInterface and"
                    + " ModifyNetworkInterfaceAttribute calls by anyone but the ENI function's own"
                    + " role (needs a CloudTrail trail)")
            .eventPattern(
                RuleTargets.callsByOthers(
                    List.of(
                        "DetachNetworkInterface",
                        "DeleteNetworkInterface",
                        "ModifyNetworkInterfaceAttribute"),
                    ownRoleArn))
            .build();

    // Events about instances go through the launch queue, in batches; the sweep is one long
    // invocation of its own, and a tamper event (rare, and carrying who did it) invokes at once.
    for (Rule rule : List.of(stateChange, cloudTrail)) {
      RuleTargets.enqueue(rule, launchQueue, deadLetterQueue);
    }
    for (Rule rule : List.of(sweep, touched)) {
      RuleTargets.invoke(rule, target, deadLetterQueue);
    }
  }
}
