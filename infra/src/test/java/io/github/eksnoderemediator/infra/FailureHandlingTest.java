package io.github.eksnoderemediator.infra;

import static io.github.eksnoderemediator.infra.TestStacks.getAttOf;
import static io.github.eksnoderemediator.infra.TestStacks.idOf;
import static io.github.eksnoderemediator.infra.TestStacks.refTo;
import static io.github.eksnoderemediator.infra.TestStacks.resourceLike;
import static org.assertj.core.api.Assertions.assertThat;
import static software.amazon.awscdk.assertions.Match.absent;
import static software.amazon.awscdk.assertions.Match.arrayWith;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Capture;
import software.amazon.awscdk.assertions.Template;

/** The failure queue, the alarms on it and on the function, and the stack outputs. */
class FailureHandlingTest {
  private final Template template = TestStacks.defaults().assertions();
  private final String queue = idOf(template, "AWS::SQS::Queue", "FailuresQueue");

  @Test
  void failureQueue_isEncryptedWithSqsManagedKeys_andKeepsMessages14Days() {
    template.templateMatches(
        resourceLike(
            queue,
            "AWS::SQS::Queue",
            Map.of(
                "SqsManagedSseEnabled",
                true,
                "KmsMasterKeyId",
                absent(),
                "MessageRetentionPeriod",
                14 * 24 * 3600)));
  }

  @Test
  void failureQueuePolicy_deniesEverythingWithoutTls() {
    template.hasResourceProperties(
        "AWS::SQS::QueuePolicy",
        Map.of(
            "Queues",
            List.of(refTo(queue)),
            "PolicyDocument",
            Map.of(
                "Statement",
                arrayWith(
                    List.of(
                        Map.of(
                            "Effect",
                            "Deny",
                            "Action",
                            "sqs:*",
                            "Principal",
                            Map.of("AWS", "*"),
                            "Condition",
                            Map.of("Bool", Map.of("aws:SecureTransport", "false")),
                            "Resource",
                            getAttOf(queue, "Arn")))))));
  }

  @Test
  void failureQueuePolicy_letsOnlyTheFourRulesSendUndeliverableEvents() {
    Capture statements = new Capture();
    template.hasResourceProperties(
        "AWS::SQS::QueuePolicy",
        Map.of("Queues", List.of(refTo(queue)), "PolicyDocument", Map.of("Statement", statements)));
    List<JsonNode> allows = TestStacks.statements(statements, "Allow");

    assertThat(allows).hasSize(4);
    assertThat(allows)
        .map(s -> s.at("/Condition/ArnEquals/aws:SourceArn"))
        .containsExactlyInAnyOrderElementsOf(
            template.findResources("AWS::Events::Rule").keySet().stream()
                .<JsonNode>map(r -> TestStacks.JSON.valueToTree(getAttOf(r, "Arn")))
                .toList());
    assertThat(allows)
        .allSatisfy(
            s -> {
              assertThat(s.at("/Principal/Service").asText()).isEqualTo("events.amazonaws.com");
              assertThat(s.get("Action").asText()).isEqualTo("sqs:SendMessage");
            });
  }

  @Test
  void functionErrorsAlarm_firesOnOneErrorOfTheAliasIn5Minutes() {
    String function =
        template.getResourceId("AWS::Lambda::Function", ImdsFunctionTest.IMDS_FUNCTION);

    template.templateMatches(
        resourceLike(
            idOf(template, "AWS::CloudWatch::Alarm", "AlarmsFunctionErrors"),
            "AWS::CloudWatch::Alarm",
            Map.ofEntries(
                Map.entry("Namespace", "AWS/Lambda"),
                Map.entry("MetricName", "Errors"),
                Map.entry("Statistic", "Sum"),
                Map.entry("Period", 300),
                Map.entry("EvaluationPeriods", 1),
                Map.entry("Threshold", 1),
                Map.entry("ComparisonOperator", "GreaterThanOrEqualToThreshold"),
                Map.entry("TreatMissingData", "notBreaching"),
                Map.entry(
                    "Dimensions",
                    List.of(
                        Map.of("Name", "FunctionName", "Value", refTo(function)),
                        Map.of(
                            "Name",
                            "Resource",
                            "Value",
                            Map.of("Fn::Join", List.of("", List.of(refTo(function), ":live")))))),
                Map.entry("AlarmActions", absent()))));
  }

  @Test
  void failureQueueAlarm_firesWhenAnyMessageIsVisible() {
    template.templateMatches(
        resourceLike(
            idOf(template, "AWS::CloudWatch::Alarm", "AlarmsFailureQueueNotEmpty"),
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
                "Dimensions",
                List.of(Map.of("Value", getAttOf(queue, "QueueName"))),
                "AlarmActions",
                absent())));
  }

  @Test
  void stack_hasExactlySevenAlarms() {
    // Function errors, failure queue, dead-letter queue, failed remediations, drifting node groups,
    // deferred nodes, loosened nodes.
    template.resourceCountIs("AWS::CloudWatch::Alarm", 7);
  }

  @Test
  void outputs_nameTheFunctionTheAliasAndTheQueue() {
    template.hasOutput(
        "ImdsFunctionName",
        Map.of(
            "Value",
            refTo(
                template.getResourceId("AWS::Lambda::Function", ImdsFunctionTest.IMDS_FUNCTION))));
    template.hasOutput(
        "ImdsAliasArn", Map.of("Value", refTo(idOf(template, "AWS::Lambda::Alias", "ImdsLive"))));
    template.hasOutput("FailureQueueUrl", Map.of("Value", refTo(queue)));
  }
}
