package io.github.eksnoderemediator.infra;

import static io.github.eksnoderemediator.infra.TestStacks.byIdPrefix;
import static io.github.eksnoderemediator.infra.TestStacks.getAtt;
import static io.github.eksnoderemediator.infra.TestStacks.ref;
import static io.github.eksnoderemediator.infra.TestStacks.resources;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The ENI function's three rules: state changes, CloudTrail launches, and the sweep schedule. */
class EniRulesTest {
  static final String STATE_CHANGE_PATTERN =
      """
      {"source": ["aws.ec2"],
       "detail-type": ["EC2 Instance State-change Notification"],
       "detail": {"state": ["running", "shutting-down", "terminated"]}}
      """;

  @ParameterizedTest
  @ValueSource(strings = {"eni", "eniClusters"})
  void stack_hasTheFourImdsRulesAndTheFourEniRules_allOnTheDefaultBus(String stack) {
    Map<String, JsonNode> rules =
        resources(TestStacks.named(stack).template(), "AWS::Events::Rule");

    assertThat(rules).hasSize(8);
    assertThat(rules.keySet().stream().filter(id -> id.startsWith("EniRules"))).hasSize(4);
    rules
        .values()
        .forEach(
            rule -> {
              assertThat(rule.at("/Properties/EventBusName").isMissingNode()).isTrue();
              assertThat(rule.at("/Properties/State").asText()).isEqualTo("ENABLED");
            });
  }

  @Test
  void stateChangeRule_matchesRunningShuttingDownAndTerminated() throws Exception {
    assertThat(pattern("eni", "EniRulesStateChange"))
        .isEqualTo(TestStacks.JSON.readTree(STATE_CHANGE_PATTERN));
  }

  @Test
  void cloudTrailRule_isTheImdsFunctionsPattern() throws Exception {
    assertThat(pattern("eni", "EniRulesCloudTrailLaunch"))
        .isEqualTo(TestStacks.JSON.readTree(ImdsRulesTest.CLOUDTRAIL_PATTERN));
  }

  @Test
  void imdsRules_areUnchangedByProfiles() throws Exception {
    assertThat(pattern("eni", "ImdsRulesStateChange"))
        .isEqualTo(TestStacks.JSON.readTree(ImdsRulesTest.STATE_CHANGE_PATTERN));
    assertThat(pattern("eni", "ImdsRulesCloudTrailLaunch"))
        .isEqualTo(TestStacks.JSON.readTree(ImdsRulesTest.CLOUDTRAIL_PATTERN));
  }

  @Test
  void sweepRule_runsEvery15MinutesByDefault_andHasNoPattern() {
    JsonNode sweep = sweep("eni");

    assertThat(sweep.get("ScheduleExpression").asText()).isEqualTo("rate(15 minutes)");
    assertThat(sweep.has("EventPattern")).isFalse();
  }

  @Test
  void sweepRule_followsTheConfiguredRate() {
    assertThat(sweep("eniClusters").get("ScheduleExpression").asText())
        .isEqualTo("rate(5 minutes)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"eni", "eniClusters"})
  void launchRules_targetTheirFunctionsQueue_sweepsTheirAlias_withRetriesAndTheFailureQueue(
      String stack) {
    JsonNode template = TestStacks.named(stack).template();
    String eniAlias = EniFunctionTest.eniAlias(template).getKey();
    String imdsAlias = byIdPrefix(template, "AWS::Lambda::Alias", "ImdsLive").getKey();
    String eniQueue = byIdPrefix(template, "AWS::SQS::Queue", "EniQueueEvents").getKey();
    String imdsQueue = byIdPrefix(template, "AWS::SQS::Queue", "ImdsQueueEvents").getKey();
    String queue = TestStacks.failureQueue(template).getKey();

    for (Map.Entry<String, JsonNode> rule : resources(template, "AWS::Events::Rule").entrySet()) {
      JsonNode targets = rule.getValue().at("/Properties/Targets");
      assertThat(targets).hasSize(1);
      JsonNode target = targets.get(0);
      boolean eni = rule.getKey().startsWith("EniRules");
      // The sweeps and the tamper rules invoke the alias; the launch rules feed the queue.
      boolean sweep =
          rule.getKey().contains("Sweep")
              || rule.getKey().contains("MetadataOptionsChanged")
              || rule.getKey().contains("InterfaceTouched");
      assertThat(target.get("Arn"))
          .as(rule.getKey())
          .isEqualTo(
              sweep ? ref(eni ? eniAlias : imdsAlias) : getAtt(eni ? eniQueue : imdsQueue, "Arn"));
      assertThat(target.at("/RetryPolicy/MaximumRetryAttempts").asInt()).isEqualTo(8);
      assertThat(target.at("/RetryPolicy/MaximumEventAgeInSeconds").asInt()).isEqualTo(3600);
      assertThat(target.at("/DeadLetterConfig/Arn")).isEqualTo(getAtt(queue, "Arn"));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"eni", "eniClusters"})
  void invokePermission_onTheEniAlias_isForTheEniSweepAndTamperRuleOnly(String stack) {
    JsonNode template = TestStacks.named(stack).template();
    String eniAlias = EniFunctionTest.eniAlias(template).getKey();
    List<JsonNode> onEni =
        resources(template, "AWS::Lambda::Permission").values().stream()
            .map(p -> p.get("Properties"))
            .filter(p -> p.get("FunctionName").equals(ref(eniAlias)))
            .toList();

    assertThat(onEni.stream().map(p -> p.get("SourceArn")).toList())
        .containsExactlyInAnyOrderElementsOf(
            resources(template, "AWS::Events::Rule").keySet().stream()
                .filter(
                    id ->
                        id.startsWith("EniRulesSweep") || id.startsWith("EniRulesInterfaceTouched"))
                .map(id -> getAtt(id, "Arn"))
                .toList());
    onEni.forEach(
        p -> {
          assertThat(p.get("Principal").asText()).isEqualTo("events.amazonaws.com");
          assertThat(p.get("Action").asText()).isEqualTo("lambda:InvokeFunction");
        });
  }

  @ParameterizedTest
  @ValueSource(strings = {"eni", "eniClusters"})
  void failureQueuePolicy_letsExactlyTheFiveRulesSendUndeliverableEvents(String stack) {
    JsonNode template = TestStacks.named(stack).template();
    JsonNode policy = TestStacks.failureQueuePolicy(template).getValue();
    List<JsonNode> allows =
        java.util.stream.StreamSupport.stream(
                policy.at("/Properties/PolicyDocument/Statement").spliterator(), false)
            .filter(s -> "Allow".equals(s.get("Effect").asText()))
            .toList();

    assertThat(allows.stream().map(s -> s.at("/Condition/ArnEquals/aws:SourceArn")).toList())
        .containsExactlyInAnyOrderElementsOf(
            resources(template, "AWS::Events::Rule").keySet().stream()
                .map(id -> getAtt(id, "Arn"))
                .toList());
  }

  private static JsonNode pattern(String stack, String prefix) {
    return byIdPrefix(TestStacks.named(stack).template(), "AWS::Events::Rule", prefix)
        .getValue()
        .at("/Properties/EventPattern");
  }

  private static JsonNode sweep(String stack) {
    return byIdPrefix(TestStacks.named(stack).template(), "AWS::Events::Rule", "EniRulesSweep")
        .getValue()
        .get("Properties");
  }
}
