package io.github.eksnoderemediator.infra;

import static io.github.eksnoderemediator.infra.TestStacks.byIdPrefix;
import static io.github.eksnoderemediator.infra.TestStacks.getAtt;
import static io.github.eksnoderemediator.infra.TestStacks.only;
import static io.github.eksnoderemediator.infra.TestStacks.ref;
import static io.github.eksnoderemediator.infra.TestStacks.resources;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The failure queue, the alarms on it and on the function, and the stack outputs. */
class FailureHandlingTest {
  private final JsonNode template = TestStacks.defaults().template();

  @Test
  void failureQueue_isEncryptedWithSqsManagedKeys_andKeepsMessages14Days() {
    JsonNode queue = TestStacks.failureQueue(template).getValue().get("Properties");

    assertThat(queue.get("SqsManagedSseEnabled").asBoolean()).isTrue();
    assertThat(queue.has("KmsMasterKeyId")).isFalse();
    assertThat(queue.get("MessageRetentionPeriod").asInt()).isEqualTo(14 * 24 * 3600);
  }

  @Test
  void failureQueuePolicy_deniesEverythingWithoutTls() {
    String queue = TestStacks.failureQueue(template).getKey();
    JsonNode policy = TestStacks.failureQueuePolicy(template).getValue().get("Properties");

    assertThat(policy.get("Queues")).containsExactly(ref(queue));
    assertThat(statements(policy))
        .anySatisfy(
            s -> {
              assertThat(s.get("Effect").asText()).isEqualTo("Deny");
              assertThat(s.get("Action").asText()).isEqualTo("sqs:*");
              assertThat(s.at("/Principal/AWS").asText()).isEqualTo("*");
              assertThat(s.at("/Condition/Bool/aws:SecureTransport").asText()).isEqualTo("false");
              assertThat(s.get("Resource")).isEqualTo(getAtt(queue, "Arn"));
            });
  }

  @Test
  void failureQueuePolicy_letsOnlyTheFourRulesSendUndeliverableEvents() {
    JsonNode policy = TestStacks.failureQueuePolicy(template).getValue().get("Properties");
    List<JsonNode> allows =
        statements(policy).stream().filter(s -> "Allow".equals(s.get("Effect").asText())).toList();

    assertThat(allows).hasSize(4);
    assertThat(allows.stream().map(s -> s.at("/Condition/ArnEquals/aws:SourceArn")).toList())
        .containsExactlyInAnyOrderElementsOf(
            resources(template, "AWS::Events::Rule").keySet().stream()
                .map(r -> getAtt(r, "Arn"))
                .toList());
    allows.forEach(
        s -> {
          assertThat(s.at("/Principal/Service").asText()).isEqualTo("events.amazonaws.com");
          assertThat(s.get("Action").asText()).isEqualTo("sqs:SendMessage");
        });
  }

  @Test
  void functionErrorsAlarm_firesOnOneErrorOfTheAliasIn5Minutes() {
    String function = only(template, "AWS::Lambda::Function").getKey();
    JsonNode alarm =
        byIdPrefix(template, "AWS::CloudWatch::Alarm", "AlarmsFunctionErrors")
            .getValue()
            .get("Properties");

    assertThat(alarm.get("Namespace").asText()).isEqualTo("AWS/Lambda");
    assertThat(alarm.get("MetricName").asText()).isEqualTo("Errors");
    assertThat(alarm.get("Statistic").asText()).isEqualTo("Sum");
    assertThat(alarm.get("Period").asInt()).isEqualTo(300);
    assertThat(alarm.get("EvaluationPeriods").asInt()).isEqualTo(1);
    assertThat(alarm.get("Threshold").asDouble()).isEqualTo(1.0);
    assertThat(alarm.get("ComparisonOperator").asText()).isEqualTo("GreaterThanOrEqualToThreshold");
    assertThat(alarm.get("TreatMissingData").asText()).isEqualTo("notBreaching");
    assertThat(alarm.get("Dimensions").toString())
        .contains("{\"Name\":\"FunctionName\",\"Value\":" + ref(function) + "}")
        .contains("\"Name\":\"Resource\"")
        .contains(":live");
    assertThat(alarm.has("AlarmActions")).isFalse();
  }

  @Test
  void failureQueueAlarm_firesWhenAnyMessageIsVisible() {
    String queue = TestStacks.failureQueue(template).getKey();
    JsonNode alarm =
        byIdPrefix(template, "AWS::CloudWatch::Alarm", "AlarmsFailureQueueNotEmpty")
            .getValue()
            .get("Properties");

    assertThat(alarm.get("Namespace").asText()).isEqualTo("AWS/SQS");
    assertThat(alarm.get("MetricName").asText()).isEqualTo("ApproximateNumberOfMessagesVisible");
    assertThat(alarm.get("Statistic").asText()).isEqualTo("Maximum");
    assertThat(alarm.get("Threshold").asDouble()).isEqualTo(1.0);
    assertThat(alarm.get("ComparisonOperator").asText()).isEqualTo("GreaterThanOrEqualToThreshold");
    assertThat(alarm.at("/Dimensions/0/Value")).isEqualTo(getAtt(queue, "QueueName"));
    assertThat(alarm.has("AlarmActions")).isFalse();
  }

  @Test
  void stack_hasExactlySevenAlarms() {
    // Function errors, failure queue, dead-letter queue, failed remediations, drifting node groups,
    // deferred nodes, loosened nodes.
    assertThat(resources(template, "AWS::CloudWatch::Alarm")).hasSize(7);
  }

  @Test
  void outputs_nameTheFunctionTheAliasAndTheQueue() {
    JsonNode outputs = template.get("Outputs");

    assertThat(outputs.at("/ImdsFunctionName/Value"))
        .isEqualTo(ref(only(template, "AWS::Lambda::Function").getKey()));
    assertThat(outputs.at("/ImdsAliasArn/Value"))
        .isEqualTo(ref(only(template, "AWS::Lambda::Alias").getKey()));
    assertThat(outputs.at("/FailureQueueUrl/Value"))
        .isEqualTo(ref(TestStacks.failureQueue(template).getKey()));
  }

  private static List<JsonNode> statements(JsonNode policy) {
    List<JsonNode> out = new ArrayList<>();
    policy.at("/PolicyDocument/Statement").forEach(out::add);
    return out;
  }
}
