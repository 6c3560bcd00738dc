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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awscdk.assertions.Capture;
import software.amazon.awscdk.assertions.Template;

/**
 * The ENI function's four rules: state changes, CloudTrail launches, the sweep schedule, and
 * interfaces touched by others.
 */
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
    Template template = TestStacks.named(stack).assertions();

    template.resourceCountIs("AWS::Events::Rule", 8);
    assertThat(template.findResources("AWS::Events::Rule").keySet())
        .filteredOn(id -> id.startsWith("EniRules"))
        .hasSize(4);
    template.allResourcesProperties(
        "AWS::Events::Rule", Map.of("EventBusName", absent(), "State", "ENABLED"));
  }

  @Test
  void stateChangeRule_matchesRunningShuttingDownAndTerminated() {
    assertPattern("eni", "EniRulesStateChange", STATE_CHANGE_PATTERN);
  }

  @Test
  void cloudTrailRule_isTheImdsFunctionsPattern() {
    assertPattern("eni", "EniRulesCloudTrailLaunch", ImdsRulesTest.CLOUDTRAIL_PATTERN);
  }

  @Test
  void imdsRules_areUnchangedByProfiles() {
    assertPattern("eni", "ImdsRulesStateChange", ImdsRulesTest.STATE_CHANGE_PATTERN);
    assertPattern("eni", "ImdsRulesCloudTrailLaunch", ImdsRulesTest.CLOUDTRAIL_PATTERN);
  }

  @Test
  void sweepRule_runsEvery15MinutesByDefault_andHasNoPattern() {
    Template template = TestStacks.eni().assertions();

    template.templateMatches(
        resourceLike(
            idOf(template, "AWS::Events::Rule", "EniRulesSweep"),
            "AWS::Events::Rule",
            Map.of("ScheduleExpression", "rate(15 minutes)", "EventPattern", absent())));
  }

  @Test
  void sweepRule_followsTheConfiguredRate() {
    Template template = TestStacks.eniClusters().assertions();

    template.templateMatches(
        resourceLike(
            idOf(template, "AWS::Events::Rule", "EniRulesSweep"),
            "AWS::Events::Rule",
            Map.of("ScheduleExpression", "rate(5 minutes)")));
  }

  /**
   * The launch rules feed each function's queue; the sweep and the tamper rules (metadata options
   * changed, interfaces touched by others) invoke that function's alias directly.
   */
  @ParameterizedTest
  @ValueSource(strings = {"eni", "eniClusters"})
  void launchRules_targetTheirFunctionsQueue_sweepAndTamperTheirAlias_withRetriesAndFailureQueue(
      String stack) {
    Template template = TestStacks.named(stack).assertions();
    String eniAlias = idOf(template, "AWS::Lambda::Alias", "EniLive");
    String imdsAlias = idOf(template, "AWS::Lambda::Alias", "ImdsLive");
    String eniQueue = idOf(template, "AWS::SQS::Queue", "EniQueueEvents");
    String imdsQueue = idOf(template, "AWS::SQS::Queue", "ImdsQueueEvents");
    String failures = idOf(template, "AWS::SQS::Queue", "FailuresQueue");

    for (String rule : template.findResources("AWS::Events::Rule").keySet()) {
      boolean eni = rule.startsWith("EniRules");
      boolean direct =
          rule.contains("Sweep")
              || rule.startsWith("ImdsRulesMetadataOptionsChanged")
              || rule.startsWith("EniRulesInterfaceTouched");
      Object arn =
          direct ? refTo(eni ? eniAlias : imdsAlias) : getAttOf(eni ? eniQueue : imdsQueue, "Arn");
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
                          "RetryPolicy",
                          Map.of("MaximumRetryAttempts", 8, "MaximumEventAgeInSeconds", 3600),
                          "DeadLetterConfig",
                          Map.of("Arn", getAttOf(failures, "Arn")))))));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"eni", "eniClusters"})
  void invokePermission_onTheEniAlias_isForTheEniSweepAndTamperRulesOnly(String stack) {
    Template template = TestStacks.named(stack).assertions();
    Map<String, Object> onEni =
        Map.of("FunctionName", refTo(idOf(template, "AWS::Lambda::Alias", "EniLive")));

    template.resourcePropertiesCountIs("AWS::Lambda::Permission", onEni, 2);
    for (String rule : List.of("EniRulesSweep", "EniRulesInterfaceTouched")) {
      template.hasResourceProperties(
          "AWS::Lambda::Permission",
          Map.of(
              "FunctionName",
              onEni.get("FunctionName"),
              "SourceArn",
              getAttOf(idOf(template, "AWS::Events::Rule", rule), "Arn"),
              "Principal",
              "events.amazonaws.com",
              "Action",
              "lambda:InvokeFunction"));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"eni", "eniClusters"})
  void failureQueuePolicy_letsExactlyTheEightRulesSendUndeliverableEvents(String stack) {
    Template template = TestStacks.named(stack).assertions();
    Capture statements = new Capture();
    template.hasResourceProperties(
        "AWS::SQS::QueuePolicy",
        Map.of(
            "Queues",
            List.of(refTo(idOf(template, "AWS::SQS::Queue", "FailuresQueue"))),
            "PolicyDocument",
            Map.of("Statement", statements)));

    assertThat(
            TestStacks.statements(statements, "Allow").stream()
                .map(s -> s.at("/Condition/ArnEquals/aws:SourceArn"))
                .toList())
        .containsExactlyInAnyOrderElementsOf(
            template.findResources("AWS::Events::Rule").keySet().stream()
                .<JsonNode>map(id -> TestStacks.JSON.valueToTree(getAttOf(id, "Arn")))
                .toList());
  }

  private static void assertPattern(String stack, String rulePrefix, String pattern) {
    Template template = TestStacks.named(stack).assertions();
    template.templateMatches(
        resourceLike(
            idOf(template, "AWS::Events::Rule", rulePrefix),
            "AWS::Events::Rule",
            Map.of("EventPattern", exact(TestStacks.read(pattern)))));
  }
}
