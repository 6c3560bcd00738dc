package io.github.eksnoderemediator.infra;

import static io.github.eksnoderemediator.infra.TestStacks.idOf;
import static io.github.eksnoderemediator.infra.TestStacks.refTo;
import static io.github.eksnoderemediator.infra.TestStacks.resourceLike;
import static org.assertj.core.api.Assertions.assertThat;
import static software.amazon.awscdk.assertions.Match.absent;
import static software.amazon.awscdk.assertions.Match.anyValue;
import static software.amazon.awscdk.assertions.Match.not;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Capture;
import software.amazon.awscdk.assertions.Template;

/**
 * The operations side of the stack: the sweep schedule, its read permissions, alarms, the topic.
 */
class OperationsTest {
  private final Template defaults = TestStacks.defaults().assertions();

  @Test
  void sweepSchedule_invokesTheImdsAlias_atTheConfiguredRate() {
    Template clusters = TestStacks.clusters().assertions();
    defaults.resourcePropertiesCountIs(
        "AWS::Events::Rule", Map.of("ScheduleExpression", anyValue()), 1);
    clusters.resourcePropertiesCountIs(
        "AWS::Events::Rule", Map.of("ScheduleExpression", anyValue()), 1);
    clusters.hasResourceProperties(
        "AWS::Events::Rule", Map.of("ScheduleExpression", "rate(5 minutes)"));

    defaults.hasResourceProperties(
        "AWS::Events::Rule",
        Map.of(
            "ScheduleExpression",
            "rate(15 minutes)",
            "Targets",
            List.of(
                Map.of(
                    "Arn",
                    refTo(idOf(defaults, "AWS::Lambda::Alias", "ImdsLive")),
                    "DeadLetterConfig",
                    anyValue()))));
  }

  @Test
  void imdsRole_readsNodeGroupsAndTemplatesForTheDriftReport_andWritesNothingThere() {
    Capture star = new Capture();
    Capture clusters = new Capture();
    Capture resources = new Capture();
    defaults.hasResourceProperties(
        "AWS::IAM::Role",
        inlineStatement("ReadLaunchSettingsForDriftReport", Map.of("Action", star)));
    defaults.hasResourceProperties(
        "AWS::IAM::Role",
        inlineStatement(
            "ReadClustersForDriftReport",
            Map.of("Action", clusters, "Resource", resources, "Condition", absent())));

    assertThat(star.asArray())
        .containsExactlyInAnyOrder(
            "ec2:DescribeLaunchTemplateVersions",
            "ec2:GetInstanceMetadataDefaults",
            "eks:ListClusters");
    assertThat(clusters.asArray())
        .containsExactlyInAnyOrder(
            "eks:DescribeCluster", "eks:ListNodegroups", "eks:DescribeNodegroup");
    assertThat(TestStacks.JSON.valueToTree(resources.asArray()).toString())
        .contains(":cluster/*")
        .contains(":nodegroup/*/*/*");
  }

  /** A role whose inline policies hold a statement with this Sid and these fields. */
  private static Map<String, Object> inlineStatement(String sid, Map<String, Object> fields) {
    Map<String, Object> statement = new java.util.HashMap<>(fields);
    statement.put("Sid", sid);
    return Map.of(
        "Policies",
        TestStacks.arrayWithLike(
            List.of(
                Map.of(
                    "PolicyDocument",
                    Map.of("Statement", TestStacks.arrayWithLike(List.of(statement)))))));
  }

  @Test
  void failedRemediationsAlarm_listsItsMetricsInAFixedOrder() {
    JsonNode alarm =
        TestStacks.JSON
            .valueToTree(defaults.toJSON())
            .path("Resources")
            .path(idOf(defaults, "AWS::CloudWatch::Alarm", "AlarmsFailedRemediations"));

    List<String> ids = new ArrayList<>();
    alarm.at("/Properties/Metrics").forEach(m -> ids.add(m.path("Id").asText()));

    assertThat(ids).containsExactly("expr_1", "nodes", "enis");
  }

  @Test
  void fleetAlarms_watchTheFunctionsEmfMetrics() {
    String failed = idOf(defaults, "AWS::CloudWatch::Alarm", "AlarmsFailedRemediations");
    defaults.templateMatches(
        alarm(
            failed,
            Map.of(
                "Metrics",
                TestStacks.arrayWithLike(
                    List.of(Map.of("Expression", "FILL(nodes, 0) + FILL(enis, 0)"))))));
    for (String metric : List.of("NodesFailed", "EnisFailed")) {
      defaults.templateMatches(
          alarm(
              failed,
              Map.of(
                  "Metrics",
                  TestStacks.arrayWithLike(
                      List.of(
                          Map.of(
                              "MetricStat",
                              Map.of(
                                  "Metric",
                                  Map.of(
                                      "MetricName",
                                      metric,
                                      "Namespace",
                                      "EksNodeRemediator"))))))));
    }
    // Fleet-wide: no metric of the alarm has dimensions.
    defaults.templateMatches(
        alarm(
            failed,
            Map.of(
                "Metrics",
                not(
                    TestStacks.arrayWithLike(
                        List.of(
                            Map.of(
                                "MetricStat",
                                Map.of("Metric", Map.of("Dimensions", anyValue())))))))));
    defaults.templateMatches(
        alarm(
            idOf(defaults, "AWS::CloudWatch::Alarm", "AlarmsDriftingNodeGroups"),
            Map.of(
                "MetricName",
                "DriftingNodeGroups",
                "Namespace",
                "EksNodeRemediator",
                "Statistic",
                "Maximum")));
    defaults.templateMatches(
        alarm(
            idOf(defaults, "AWS::CloudWatch::Alarm", "AlarmsDeferredNodes"),
            Map.of(
                "MetricName",
                "NodesDeferred",
                "Namespace",
                "EksNodeRemediator",
                "Statistic",
                "Maximum",
                "Period",
                3600,
                "Threshold",
                1,
                "TreatMissingData",
                "notBreaching",
                "Dimensions",
                absent())));
    defaults.templateMatches(
        alarm(
            idOf(defaults, "AWS::CloudWatch::Alarm", "AlarmsLoosenedNodes"),
            Map.of("MetricName", "NodesLoosened", "Statistic", "Sum", "Period", 300)));
    // No topic without alarmEmail: the alarms have no actions.
    defaults.resourceCountIs("AWS::SNS::Topic", 0);
    defaults.allResourcesProperties("AWS::CloudWatch::Alarm", Map.of("AlarmActions", absent()));
  }

  private static Object alarm(String logicalId, Map<String, ?> properties) {
    return resourceLike(logicalId, "AWS::CloudWatch::Alarm", properties);
  }

  @Test
  void alarmEmail_addsATopicWithTheSubscription_andEveryAlarmNotifiesIt() {
    Template clusters = TestStacks.clusters().assertions();
    clusters.resourceCountIs("AWS::SNS::Topic", 1);
    String topic = clusters.getResourceId("AWS::SNS::Topic");

    clusters.hasResourceProperties(
        "AWS::SNS::Subscription",
        Map.of("Protocol", "email", "Endpoint", "oncall@example.com", "TopicArn", refTo(topic)));
    assertThat(clusters.findResources("AWS::CloudWatch::Alarm")).hasSizeGreaterThanOrEqualTo(4);
    clusters.allResourcesProperties(
        "AWS::CloudWatch::Alarm", Map.of("AlarmActions", List.of(refTo(topic))));
    // Only TLS may publish.
    clusters.hasResourceProperties(
        "AWS::SNS::TopicPolicy",
        Map.of(
            "Topics",
            List.of(refTo(topic)),
            "PolicyDocument",
            Map.of(
                "Statement",
                TestStacks.arrayWithLike(
                    List.of(
                        Map.of(
                            "Effect",
                            "Deny",
                            "Condition",
                            Map.of("Bool", Map.of("aws:SecureTransport", "false"))))))));
  }
}
