package io.github.eksnoderemediator.infra;

import static io.github.eksnoderemediator.infra.TestStacks.byIdPrefix;
import static io.github.eksnoderemediator.infra.TestStacks.getAtt;
import static io.github.eksnoderemediator.infra.TestStacks.ref;
import static io.github.eksnoderemediator.infra.TestStacks.resources;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Each function's launch queue, its event source mapping, dead-letter queue and alarm. */
class LaunchQueueTest {

  @ParameterizedTest
  @CsvSource({"defaults, Imds", "eni, Imds", "eni, Eni"})
  void launchQueue_redrivesToItsDeadLetterQueueAfter5Receives_withSixTimesTheTimeoutVisible(
      String stack, String function) {
    JsonNode template = TestStacks.named(stack).template();
    JsonNode queue = queue(template, function).getValue().get("Properties");
    String deadLetters = deadLetters(template, function).getKey();
    int timeout = fn(template, function).at("/Properties/Timeout").asInt();

    assertThat(queue.get("VisibilityTimeout").asInt()).isEqualTo(6 * timeout);
    assertThat(queue.at("/RedrivePolicy/maxReceiveCount").asInt()).isEqualTo(5);
    assertThat(queue.at("/RedrivePolicy/deadLetterTargetArn"))
        .isEqualTo(getAtt(deadLetters, "Arn"));
    assertThat(queue.get("SqsManagedSseEnabled").asBoolean()).isTrue();
    // Five visibility timeouts must pass before a message can reach the dead-letter queue.
    assertThat(queue.get("MessageRetentionPeriod").asInt()).isGreaterThan(5 * 6 * timeout);
    JsonNode dlq = deadLetters(template, function).getValue().get("Properties");
    assertThat(dlq.get("MessageRetentionPeriod").asInt()).isEqualTo(14 * 24 * 3600);
    assertThat(dlq.get("SqsManagedSseEnabled").asBoolean()).isTrue();
  }

  @ParameterizedTest
  @CsvSource({"defaults, Imds", "eni, Imds", "eni, Eni"})
  void eventSourceMapping_feedsTheLiveAlias_inBatches_withItemFailuresAndAConcurrencyCap(
      String stack, String function) {
    JsonNode template = TestStacks.named(stack).template();
    String queue = queue(template, function).getKey();
    String alias = byIdPrefix(template, "AWS::Lambda::Alias", function + "Live").getKey();
    JsonNode mapping =
        resources(template, "AWS::Lambda::EventSourceMapping").values().stream()
            .map(m -> m.get("Properties"))
            .filter(m -> m.get("EventSourceArn").equals(getAtt(queue, "Arn")))
            .findFirst()
            .orElseThrow();

    // The alias's qualified name: the function's name from the alias ARN, then ":live".
    assertThat(mapping.get("FunctionName").toString())
        .contains(ref(alias).toString())
        .contains(":live");
    assertThat(mapping.get("BatchSize").asInt()).isEqualTo(100);
    assertThat(mapping.get("MaximumBatchingWindowInSeconds").asInt()).isEqualTo(1);
    assertThat(mapping.at("/ScalingConfig/MaximumConcurrency").asInt()).isEqualTo(2);
    assertThat(mapping.get("FunctionResponseTypes")).hasSize(1);
    assertThat(mapping.at("/FunctionResponseTypes/0").asText())
        .isEqualTo("ReportBatchItemFailures");
  }

  @ParameterizedTest
  @ValueSource(strings = {"defaults", "eni"})
  void stack_hasOneMappingPerFunction_andNoOther(String stack) {
    JsonNode template = TestStacks.named(stack).template();

    assertThat(resources(template, "AWS::Lambda::EventSourceMapping"))
        .hasSameSizeAs(TestStacks.remediatorResources(template, "AWS::Lambda::Function"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"clusters", "eniClusters"})
  void mapping_takesBatchingAndConcurrencyFromTheQueueConfiguration(String stack) {
    JsonNode template = TestStacks.named(stack).template();
    Map<String, JsonNode> mappings = resources(template, "AWS::Lambda::EventSourceMapping");

    assertThat(mappings)
        .allSatisfy(
            (id, m) -> {
              assertThat(m.at("/Properties/BatchSize").asInt()).isEqualTo(500);
              assertThat(m.at("/Properties/MaximumBatchingWindowInSeconds").asInt()).isEqualTo(3);
              assertThat(m.at("/Properties/ScalingConfig/MaximumConcurrency").asInt()).isEqualTo(4);
            });
  }

  @ParameterizedTest
  @CsvSource({"defaults, Imds, the IMDS function", "eni, Eni, the ENI function"})
  void deadLetterAlarm_firesOnTheFirstVisibleMessage(String stack, String function, String which) {
    JsonNode template = TestStacks.named(stack).template();
    String deadLetters = deadLetters(template, function).getKey();
    JsonNode alarm =
        byIdPrefix(template, "AWS::CloudWatch::Alarm", "Alarms" + function + "DeadLetters")
            .getValue()
            .get("Properties");

    assertThat(alarm.get("Namespace").asText()).isEqualTo("AWS/SQS");
    assertThat(alarm.get("MetricName").asText()).isEqualTo("ApproximateNumberOfMessagesVisible");
    assertThat(alarm.get("Statistic").asText()).isEqualTo("Maximum");
    assertThat(alarm.get("Threshold").asDouble()).isEqualTo(1.0);
    assertThat(alarm.get("ComparisonOperator").asText()).isEqualTo("GreaterThanOrEqualToThreshold");
    assertThat(alarm.get("TreatMissingData").asText()).isEqualTo("notBreaching");
    assertThat(alarm.at("/Dimensions/0/Value")).isEqualTo(getAtt(deadLetters, "QueueName"));
    assertThat(alarm.get("AlarmDescription").asText()).contains(which).contains("runbook");
  }

  @ParameterizedTest
  @CsvSource({"defaults, Imds", "eni, Eni"})
  void outputs_nameTheDeadLetterQueue(String stack, String function) {
    JsonNode template = TestStacks.named(stack).template();

    assertThat(template.at("/Outputs/" + function + "DeadLetterQueueUrl/Value"))
        .isEqualTo(ref(deadLetters(template, function).getKey()));
  }

  private static Map.Entry<String, JsonNode> queue(JsonNode template, String function) {
    return byIdPrefix(template, "AWS::SQS::Queue", function + "QueueEvents");
  }

  private static Map.Entry<String, JsonNode> deadLetters(JsonNode template, String function) {
    return byIdPrefix(template, "AWS::SQS::Queue", function + "QueueDeadLetters");
  }

  private static JsonNode fn(JsonNode template, String function) {
    return byIdPrefix(template, "AWS::Lambda::Function", function + "Function").getValue();
  }
}
