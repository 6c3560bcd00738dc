package io.github.eksnoderemediator.infra;

import static io.github.eksnoderemediator.infra.TestStacks.getAttOf;
import static io.github.eksnoderemediator.infra.TestStacks.idOf;
import static io.github.eksnoderemediator.infra.TestStacks.refTo;
import static io.github.eksnoderemediator.infra.TestStacks.resourceLike;
import static org.assertj.core.api.Assertions.assertThat;
import static software.amazon.awscdk.assertions.Match.objectLike;
import static software.amazon.awscdk.assertions.Match.stringLikeRegexp;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awscdk.assertions.Capture;
import software.amazon.awscdk.assertions.Template;

/** Each function's launch queue, its event source mapping, dead-letter queue and alarm. */
class LaunchQueueTest {

  @ParameterizedTest
  @CsvSource({"defaults, Imds", "eni, Imds", "eni, Eni"})
  void launchQueue_redrivesToItsDeadLetterQueueAfter5Receives_withSixTimesTheTimeoutVisible(
      String stack, String function) {
    Template template = TestStacks.named(stack).assertions();
    String deadLetters = deadLetters(template, function);
    Capture timeout = new Capture();
    template.hasResourceProperties(
        "AWS::Lambda::Function",
        Map.of(
            "Handler",
            "Imds".equals(function) ? ImdsFunctionTest.HANDLER : EniFunctionTest.HANDLER,
            "Timeout",
            timeout));
    int seconds = timeout.asNumber().intValue();
    Capture retention = new Capture();

    template.hasResourceProperties(
        "AWS::SQS::Queue",
        Map.of(
            "VisibilityTimeout",
            6 * seconds,
            "RedrivePolicy",
            Map.of("maxReceiveCount", 5, "deadLetterTargetArn", getAttOf(deadLetters, "Arn")),
            "SqsManagedSseEnabled",
            true,
            "MessageRetentionPeriod",
            retention));
    // Five visibility timeouts must pass before a message can reach the dead-letter queue.
    assertThat(retention.asNumber().intValue()).isGreaterThan(5 * 6 * seconds);
    template.templateMatches(
        resourceLike(
            deadLetters,
            "AWS::SQS::Queue",
            Map.of("MessageRetentionPeriod", 14 * 24 * 3600, "SqsManagedSseEnabled", true)));
  }

  @ParameterizedTest
  @CsvSource({"defaults, Imds", "eni, Imds", "eni, Eni"})
  void eventSourceMapping_feedsTheLiveAlias_inBatches_withItemFailuresAndAConcurrencyCap(
      String stack, String function) {
    Template template = TestStacks.named(stack).assertions();
    String queue = idOf(template, "AWS::SQS::Queue", function + "QueueEvents");
    String alias = idOf(template, "AWS::Lambda::Alias", function + "Live");

    template.hasResourceProperties(
        "AWS::Lambda::EventSourceMapping",
        Map.of(
            "EventSourceArn",
            getAttOf(queue, "Arn"),
            // The alias's qualified name: the function's name from the alias ARN, then ":live".
            "FunctionName",
            Map.of(
                "Fn::Join",
                List.of(
                    "",
                    List.of(
                        Map.of(
                            "Fn::Select",
                            List.of(6, Map.of("Fn::Split", List.of(":", refTo(alias))))),
                        ":live"))),
            "BatchSize",
            100,
            "MaximumBatchingWindowInSeconds",
            1,
            "ScalingConfig",
            Map.of("MaximumConcurrency", 2),
            "FunctionResponseTypes",
            List.of("ReportBatchItemFailures")));
  }

  /** One mapping per remediator function: the permissions check and its trigger have none. */
  @ParameterizedTest
  @ValueSource(strings = {"defaults", "eni"})
  void stack_hasOneMappingPerFunction_andNoOther(String stack) {
    Template template = TestStacks.named(stack).assertions();

    template.resourceCountIs(
        "AWS::Lambda::EventSourceMapping",
        TestStacks.remediatorIds(template, "AWS::Lambda::Function").size());
  }

  @ParameterizedTest
  @ValueSource(strings = {"clusters", "eniClusters"})
  void mapping_takesBatchingAndConcurrencyFromTheQueueConfiguration(String stack) {
    TestStacks.named(stack)
        .assertions()
        .allResourcesProperties(
            "AWS::Lambda::EventSourceMapping",
            Map.of(
                "BatchSize",
                500,
                "MaximumBatchingWindowInSeconds",
                3,
                "ScalingConfig",
                Map.of("MaximumConcurrency", 4)));
  }

  @ParameterizedTest
  @CsvSource({"defaults, Imds, the IMDS function", "eni, Eni, the ENI function"})
  void deadLetterAlarm_firesOnTheFirstVisibleMessage(String stack, String function, String which) {
    Template template = TestStacks.named(stack).assertions();

    template.templateMatches(
        resourceLike(
            idOf(template, "AWS::CloudWatch::Alarm", "Alarms" + function + "DeadLetters"),
            "AWS::CloudWatch::Alarm",
            Map.of(
                "Namespace",
                "AWS/SQS",
                "MetricName",
                "ApproximateNumberOfMessagesVisible",
                "Statistic",
                "Maximum",
                "Threshold",
                1,
                "ComparisonOperator",
                "GreaterThanOrEqualToThreshold",
                "TreatMissingData",
                "notBreaching",
                "Dimensions",
                List.of(
                    objectLike(
                        Map.of("Value", getAttOf(deadLetters(template, function), "QueueName")))),
                "AlarmDescription",
                stringLikeRegexp(which + "(.|\\n)*runbook"))));
  }

  @ParameterizedTest
  @CsvSource({"defaults, Imds", "eni, Eni"})
  void outputs_nameTheDeadLetterQueue(String stack, String function) {
    Template template = TestStacks.named(stack).assertions();

    template.hasOutput(
        function + "DeadLetterQueueUrl", Map.of("Value", refTo(deadLetters(template, function))));
  }

  private static String deadLetters(Template template, String function) {
    return idOf(template, "AWS::SQS::Queue", function + "QueueDeadLetters");
  }
}
