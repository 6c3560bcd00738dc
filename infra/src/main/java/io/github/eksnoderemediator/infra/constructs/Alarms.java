package io.github.eksnoderemediator.infra.constructs;

import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.sqs.IQueue;
import software.constructs.Construct;

/**
 * Alarms an operator should see: the function failing, and events waiting in the failure queue.
 * They have no actions yet; subscribe them (SNS, chat) where your alarms go.
 */
public final class Alarms extends Construct {
  private static final Duration PERIOD = Duration.minutes(5);

  public Alarms(Construct scope, String id, IFunction alias, IQueue failureQueue) {
    super(scope, id);

    Alarm.Builder.create(this, "FunctionErrors")
        .alarmDescription(
            "EKS Node Remediator: the IMDS function failed at least once in 5 minutes; see its"
                + " log group. Lambda retries, then sends the event to the failure queue.")
        .metric(alias.metricErrors(MetricOptions.builder().period(PERIOD).statistic("Sum").build()))
        .threshold(1)
        .evaluationPeriods(1)
        .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
        // No invocations means no data, which is healthy.
        .treatMissingData(TreatMissingData.NOT_BREACHING)
        .build();

    Alarm.Builder.create(this, "FailureQueueNotEmpty")
        .alarmDescription(
            "EKS Node Remediator: events the function could not handle are waiting in the failure"
                + " queue; the nodes they name may still have insecure metadata options.")
        .metric(
            failureQueue.metricApproximateNumberOfMessagesVisible(
                MetricOptions.builder().period(PERIOD).statistic("Maximum").build()))
        .threshold(1)
        .evaluationPeriods(1)
        .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
        // SQS publishes no metrics for a queue that has been empty and unused for six hours.
        .treatMissingData(TreatMissingData.NOT_BREACHING)
        .build();
  }
}
