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
import java.util.Map;
import org.junit.jupiter.api.Test;

class ImdsRulesTest {
  static final String STATE_CHANGE_PATTERN =
      """
      {"source": ["aws.ec2"],
       "detail-type": ["EC2 Instance State-change Notification"],
       "detail": {"state": ["pending", "running"]}}
      """;

  static final String CLOUDTRAIL_PATTERN =
      """
      {"source": ["aws.ec2"],
       "detail-type": ["AWS API Call via CloudTrail"],
       "detail": {"eventSource": ["ec2.amazonaws.com"],
                  "eventName": ["RunInstances", "CreateFleet"],
                  "errorCode": [{"exists": false}]}}
      """;

  static final String TAMPER_PATTERN =
      """
      {"source": ["aws.ec2"],
       "detail-type": ["AWS API Call via CloudTrail"],
       "detail": {"eventSource": ["ec2.amazonaws.com"],
                  "eventName": ["ModifyInstanceMetadataOptions"],
                  "errorCode": [{"exists": false}],
                  "userIdentity": {"sessionContext": {"sessionIssuer": {"arn": [
                    {"anything-but": {"Fn::GetAtt": ["ROLE", "Arn"]}},
                    {"exists": false}]}}}}}
      """;

  private final JsonNode template = TestStacks.defaults().template();

  @Test
  void stack_hasExactlyTheFourRulesOnTheDefaultBus_threeEventPatternsAndTheSweepSchedule() {
    Map<String, JsonNode> rules = resources(template, "AWS::Events::Rule");

    assertThat(rules).hasSize(4);
    rules
        .values()
        .forEach(
            rule -> {
              assertThat(rule.at("/Properties/EventBusName").isMissingNode()).isTrue();
              assertThat(rule.at("/Properties/State").asText()).isEqualTo("ENABLED");
            });
  }

  @Test
  void stateChangeRule_matchesPendingAndRunningInstances() throws Exception {
    JsonNode rule = byIdPrefix(template, "AWS::Events::Rule", "ImdsRulesStateChange").getValue();

    assertThat(rule.at("/Properties/EventPattern"))
        .isEqualTo(TestStacks.JSON.readTree(STATE_CHANGE_PATTERN));
  }

  @Test
  void cloudTrailRule_matchesSuccessfulRunInstancesAndCreateFleet() throws Exception {
    JsonNode rule =
        byIdPrefix(template, "AWS::Events::Rule", "ImdsRulesCloudTrailLaunch").getValue();

    assertThat(rule.at("/Properties/EventPattern"))
        .isEqualTo(TestStacks.JSON.readTree(CLOUDTRAIL_PATTERN));
  }

  @Test
  void tamperRule_matchesOthersSuccessfulMetadataOptionChanges_notTheFunctionsOwnRole()
      throws Exception {
    JsonNode rule =
        byIdPrefix(template, "AWS::Events::Rule", "ImdsRulesMetadataOptionsChanged").getValue();
    String role =
        only(template, "AWS::Lambda::Function")
            .getValue()
            .at("/Properties/Role/Fn::GetAtt/0")
            .asText();

    assertThat(rule.at("/Properties/EventPattern"))
        .isEqualTo(TestStacks.JSON.readTree(TAMPER_PATTERN.replace("ROLE", role)));
  }

  @Test
  void
      launchRules_targetTheLaunchQueue_sweepAndTamperTheLiveAlias_allWithRetriesAndTheFailureQueue() {
    String alias = only(template, "AWS::Lambda::Alias").getKey();
    String launchQueue = byIdPrefix(template, "AWS::SQS::Queue", "ImdsQueueEvents").getKey();
    String failures = TestStacks.failureQueue(template).getKey();

    for (Map.Entry<String, JsonNode> rule : resources(template, "AWS::Events::Rule").entrySet()) {
      JsonNode targets = rule.getValue().at("/Properties/Targets");
      assertThat(targets).hasSize(1);
      JsonNode target = targets.get(0);
      assertThat(target.get("Arn"))
          .as(rule.getKey())
          .isEqualTo(
              rule.getKey().startsWith("ImdsRulesSweep")
                      || rule.getKey().startsWith("ImdsRulesMetadataOptionsChanged")
                  ? ref(alias)
                  : getAtt(launchQueue, "Arn"));
      // The event itself is the message body: no input transformer.
      assertThat(target.has("Input") || target.has("InputTransformer")).isFalse();
      assertThat(target.at("/RetryPolicy/MaximumRetryAttempts").asInt()).isEqualTo(8);
      assertThat(target.at("/RetryPolicy/MaximumEventAgeInSeconds").asInt()).isEqualTo(3600);
      assertThat(target.at("/DeadLetterConfig/Arn")).isEqualTo(getAtt(failures, "Arn"));
    }
  }

  @Test
  void launchQueuePolicy_letsOnlyTheTwoLaunchRulesSend_andDeniesWithoutTls() {
    String launchQueue = byIdPrefix(template, "AWS::SQS::Queue", "ImdsQueueEvents").getKey();
    JsonNode policy =
        byIdPrefix(template, "AWS::SQS::QueuePolicy", "ImdsQueueEventsPolicy")
            .getValue()
            .get("Properties");
    List<JsonNode> allows = new ArrayList<>();
    policy
        .at("/PolicyDocument/Statement")
        .forEach(
            st -> {
              if ("Allow".equals(st.get("Effect").asText())) {
                allows.add(st);
              }
            });

    assertThat(policy.get("Queues")).containsExactly(ref(launchQueue));
    assertThat(allows.stream().map(st -> st.at("/Condition/ArnEquals/aws:SourceArn")).toList())
        .containsExactlyInAnyOrder(
            getAtt(
                byIdPrefix(template, "AWS::Events::Rule", "ImdsRulesStateChange").getKey(), "Arn"),
            getAtt(
                byIdPrefix(template, "AWS::Events::Rule", "ImdsRulesCloudTrailLaunch").getKey(),
                "Arn"));
    allows.forEach(
        st -> {
          assertThat(st.at("/Principal/Service").asText()).isEqualTo("events.amazonaws.com");
          assertThat(st.get("Action").toString())
              .isEqualTo("[\"sqs:SendMessage\",\"sqs:GetQueueAttributes\",\"sqs:GetQueueUrl\"]");
        });
    assertThat(policy.toString()).contains("\"aws:SecureTransport\":\"false\"");
  }

  @Test
  void rules_neverReferenceTheUnqualifiedFunction() {
    String function = only(template, "AWS::Lambda::Function").getKey();

    for (JsonNode rule : resources(template, "AWS::Events::Rule").values()) {
      assertThat(rule.toString()).doesNotContain("\"" + function + "\"");
    }
  }

  @Test
  void invokePermission_isOnTheAlias_forTheSweepAndTamperRulesOnly() {
    String alias = only(template, "AWS::Lambda::Alias").getKey();
    Map<String, JsonNode> permissions = resources(template, "AWS::Lambda::Permission");
    assertThat(permissions).hasSize(2);
    assertThat(permissions.values().stream().map(p -> p.at("/Properties/SourceArn")).toList())
        .containsExactlyInAnyOrder(
            getAtt(byIdPrefix(template, "AWS::Events::Rule", "ImdsRulesSweep").getKey(), "Arn"),
            getAtt(
                byIdPrefix(template, "AWS::Events::Rule", "ImdsRulesMetadataOptionsChanged")
                    .getKey(),
                "Arn"));
    permissions
        .values()
        .forEach(
            p -> {
              JsonNode props = p.get("Properties");
              assertThat(props.get("FunctionName")).isEqualTo(ref(alias));
              assertThat(props.get("Principal").asText()).isEqualTo("events.amazonaws.com");
              assertThat(props.get("Action").asText()).isEqualTo("lambda:InvokeFunction");
            });
  }
}
