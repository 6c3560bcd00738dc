package io.github.eksnoderemediator.infra.constructs;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.Schedule;
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

  /**
   * @param target the function's {@code live} alias, which the sweep schedule invokes
   * @param launchQueue the function's launch queue, where the event rules send their events
   * @param deadLetterQueue where EventBridge puts what it could not deliver
   * @param sweepRate how often the schedule sends the function its sweep event
   * @param ownRoleArn the function's execution role, whose own metadata writes the tamper rule
   *     leaves out
   */
  public ImdsRules(
      Construct scope,
      String id,
      IFunction target,
      IQueue launchQueue,
      IQueue deadLetterQueue,
      java.time.Duration sweepRate,
      String ownRoleArn) {
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

    Rule cloudTrail =
        Rule.Builder.create(this, "CloudTrailLaunch")
            .description(
                "EKS Node Remediator: successful RunInstances and CreateFleet calls (needs a"
                    + " CloudTrail trail)")
            .eventPattern(RuleTargets.cloudTrailLaunches())
            .build();

    // Events are best effort (a missing trail, a failed event, a node loosened by hand): the
    // sweep re-checks every node in scope and rebuilds the drift report.
    Rule sweep =
        Rule.Builder.create(this, "SweepSchedule")
            .description("EKS Node Remediator: the reconcile sweep over every node in scope")
            .schedule(Schedule.rate(software.amazon.awscdk.Duration.minutes(sweepRate.toMinutes())))
            .build();

    // Anyone else who loosens a node is undone at once (and named), not at the next sweep.
    Rule tamper =
        Rule.Builder.create(this, "MetadataOptionsChanged")
            .description(
                "EKS Node Remediator: successful ModifyInstanceMetadataOptions calls by anyone but"
                    + " the function's own role (needs a CloudTrail trail)")
            .eventPattern(RuleTargets.metadataOptionsChangedByOthers(ownRoleArn))
            .build();

    // Events about instances go through the launch queue, in batches; the sweep is one long
    // invocation of its own, and a tamper event (rare, and carrying who did it) invokes at once.
    for (Rule rule : List.of(stateChange, cloudTrail)) {
      RuleTargets.enqueue(rule, launchQueue, deadLetterQueue);
    }
    for (Rule rule : List.of(sweep, tamper)) {
      RuleTargets.invoke(rule, target, deadLetterQueue);
    }
  }
}
