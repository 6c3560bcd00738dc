package io.github.eksnoderemediator.infra;

import static io.github.eksnoderemediator.infra.TestStacks.getAttOf;
import static io.github.eksnoderemediator.infra.TestStacks.idOf;
import static io.github.eksnoderemediator.infra.TestStacks.refTo;
import static io.github.eksnoderemediator.infra.TestStacks.resourceLike;
import static org.assertj.core.api.Assertions.assertThat;
import static software.amazon.awscdk.assertions.Match.absent;
import static software.amazon.awscdk.assertions.Match.exact;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Capture;
import software.amazon.awscdk.assertions.Template;

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

  private final Template template = TestStacks.defaults().assertions();

  @Test
  void stack_hasExactlyTheFourRulesOnTheDefaultBus_threeEventPatternsAndTheSweepSchedule() {
    template.resourceCountIs("AWS::Events::Rule", 4);
    template.allResourcesProperties(
        "AWS::Events::Rule", Map.of("EventBusName", absent(), "State", "ENABLED"));
  }

  @Test
  void stateChangeRule_matchesPendingAndRunningInstances() {
    assertPattern("ImdsRulesStateChange", STATE_CHANGE_PATTERN);
  }

  @Test
  void cloudTrailRule_matchesSuccessfulRunInstancesAndCreateFleet() {
    assertPattern("ImdsRulesCloudTrailLaunch", CLOUDTRAIL_PATTERN);
  }

  @Test
  void tamperRule_matchesOthersSuccessfulMetadataOptionChanges_notTheFunctionsOwnRole() {
    Capture role = new Capture();
    template.hasResourceProperties(
        "AWS::Lambda::Function",
        Map.of(
            "Handler",
            ImdsFunctionTest.HANDLER,
            "Role",
            Map.of("Fn::GetAtt", List.of(role, "Arn"))));

    assertPattern(
        "ImdsRulesMetadataOptionsChanged", TAMPER_PATTERN.replace("ROLE", role.asString()));
  }

  @Test
  void
      launchRules_targetTheLaunchQueue_sweepAndTamperTheLiveAlias_allWithRetriesAndTheFailureQueue() {
    String alias = idOf(template, "AWS::Lambda::Alias", "ImdsLive");
    String launchQueue = idOf(template, "AWS::SQS::Queue", "ImdsQueueEvents");
    String failures = idOf(template, "AWS::SQS::Queue", "FailuresQueue");

    for (String rule : template.findResources("AWS::Events::Rule").keySet()) {
      Object arn =
          rule.startsWith("ImdsRulesSweep") || rule.startsWith("ImdsRulesMetadataOptionsChanged")
              ? refTo(alias)
              : getAttOf(launchQueue, "Arn");
      template.templateMatches(
          resourceLike(
              rule,
              "AWS::Events::Rule",
              Map.of(
                  "Targets",
                  List.of(
                      Map.of(
                          "Arn",
                          arn,
                          // The event itself is the message body: no input transformer.
                          "Input",
                          absent(),
                          "InputTransformer",
                          absent(),
                          "RetryPolicy",
                          Map.of("MaximumRetryAttempts", 8, "MaximumEventAgeInSeconds", 3600),
                          "DeadLetterConfig",
                          Map.of("Arn", getAttOf(failures, "Arn")))))));
    }
  }

  @Test
  void launchQueuePolicy_letsOnlyTheTwoLaunchRulesSend_andDeniesWithoutTls() {
    String launchQueue = idOf(template, "AWS::SQS::Queue", "ImdsQueueEvents");
    Capture statements = new Capture();
    template.hasResourceProperties(
        "AWS::SQS::QueuePolicy",
        Map.of(
            "Queues",
            List.of(refTo(launchQueue)),
            "PolicyDocument",
            Map.of("Statement", statements)));

    List<JsonNode> allows = TestStacks.statements(statements, "Allow");

    assertThat(allows)
        .map(s -> s.at("/Condition/ArnEquals/aws:SourceArn"))
        .containsExactlyInAnyOrderElementsOf(
            List.of(
                TestStacks.JSON.valueToTree(
                    getAttOf(idOf(template, "AWS::Events::Rule", "ImdsRulesStateChange"), "Arn")),
                TestStacks.JSON.valueToTree(
                    getAttOf(
                        idOf(template, "AWS::Events::Rule", "ImdsRulesCloudTrailLaunch"), "Arn"))));
    assertThat(allows)
        .allSatisfy(
            s -> {
              assertThat(s.at("/Principal/Service").asText()).isEqualTo("events.amazonaws.com");
              assertThat(s.get("Action").toString())
                  .isEqualTo(
                      "[\"sqs:SendMessage\",\"sqs:GetQueueAttributes\",\"sqs:GetQueueUrl\"]");
            });
    assertThat(TestStacks.statements(statements, "Deny"))
        .anySatisfy(
            s ->
                assertThat(s.at("/Condition/Bool/aws:SecureTransport").asText())
                    .isEqualTo("false"));
  }

  @Test
  void rules_neverReferenceTheUnqualifiedFunction() {
    String function =
        template.getResourceId("AWS::Lambda::Function", ImdsFunctionTest.IMDS_FUNCTION);

    for (Object rule : template.findResources("AWS::Events::Rule").values()) {
      assertThat(TestStacks.JSON.valueToTree(rule).toString())
          .doesNotContain("\"" + function + "\"");
    }
  }

  @Test
  void invokePermission_isOnTheAlias_forTheSweepAndTamperRulesOnly() {
    Map<String, Object> onAlias =
        Map.of(
            "FunctionName",
            refTo(idOf(template, "AWS::Lambda::Alias", "ImdsLive")),
            "Principal",
            "events.amazonaws.com",
            "Action",
            "lambda:InvokeFunction");

    template.resourceCountIs("AWS::Lambda::Permission", 2);
    template.allResourcesProperties("AWS::Lambda::Permission", onAlias);
    for (String rule : List.of("ImdsRulesSweep", "ImdsRulesMetadataOptionsChanged")) {
      template.hasResourceProperties(
          "AWS::Lambda::Permission",
          Map.of("SourceArn", getAttOf(idOf(template, "AWS::Events::Rule", rule), "Arn")));
    }
  }

  private void assertPattern(String rulePrefix, String pattern) {
    template.templateMatches(
        resourceLike(
            idOf(template, "AWS::Events::Rule", rulePrefix),
            "AWS::Events::Rule",
            Map.of("EventPattern", exact(TestStacks.read(pattern)))));
  }
}
