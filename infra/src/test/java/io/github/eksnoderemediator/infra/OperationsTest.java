package io.github.eksnoderemediator.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The operations side of the stack: the sweep schedule, its read permissions, alarms, the topic.
 */
class OperationsTest {

  private static Map<String, JsonNode> resources(String stack, String type) {
    return TestStacks.named(stack).resourcesOfType(type);
  }

  @Test
  void sweepSchedule_invokesTheImdsAlias_atTheConfiguredRate() {
    assertThat(schedules("defaults")).containsExactly("rate(15 minutes)");
    assertThat(schedules("clusters")).containsExactly("rate(5 minutes)");
    JsonNode rule =
        resources("defaults", "AWS::Events::Rule").values().stream()
            .filter(r -> r.at("/Properties/ScheduleExpression").isTextual())
            .findFirst()
            .orElseThrow();
    JsonNode target = rule.at("/Properties/Targets/0");
    assertThat(target.at("/Arn/Ref").asText()).startsWith("ImdsLive");
    assertThat(target.has("DeadLetterConfig")).isTrue();
  }

  private static List<String> schedules(String stack) {
    return resources(stack, "AWS::Events::Rule").values().stream()
        .map(r -> r.at("/Properties/ScheduleExpression"))
        .filter(JsonNode::isTextual)
        .map(JsonNode::asText)
        .toList();
  }

  @Test
  void imdsRole_readsNodeGroupsAndTemplatesForTheDriftReport_andWritesNothingThere() {
    List<JsonNode> defaults =
        ImdsPermissionsTest.statements(TestStacks.named("defaults").template());
    JsonNode star = sid(defaults, "ReadLaunchSettingsForDriftReport");
    assertThat(ImdsPermissionsTest.actions(star))
        .containsExactlyInAnyOrder(
            "ec2:DescribeLaunchTemplateVersions",
            "ec2:GetInstanceMetadataDefaults",
            "eks:ListClusters");
    JsonNode clusters = sid(defaults, "ReadClustersForDriftReport");
    assertThat(ImdsPermissionsTest.actions(clusters))
        .containsExactlyInAnyOrder(
            "eks:DescribeCluster", "eks:ListNodegroups", "eks:DescribeNodegroup");
    assertThat(clusters.get("Resource").toString())
        .contains(":cluster/*")
        .contains(":nodegroup/*/*/*");

    assertThat(clusters.has("Condition")).isFalse();
  }

  private static JsonNode sid(List<JsonNode> statements, String sid) {
    return statements.stream()
        .filter(s -> sid.equals(s.path("Sid").asText()))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void fleetAlarms_watchTheFunctionsEmfMetrics() {
    Map<String, JsonNode> alarms = resources("defaults", "AWS::CloudWatch::Alarm");
    JsonNode failed = byId(alarms, "AlarmsFailedRemediations");
    assertThat(failed.at("/Properties/Metrics").toString())
        .contains("FILL(nodes, 0) + FILL(enis, 0)")
        .contains("\"MetricName\":\"NodesFailed\"")
        .contains("\"MetricName\":\"EnisFailed\"")
        .contains("\"Namespace\":\"EksNodeRemediator\"")
        .doesNotContain("Dimensions");
    JsonNode drift = byId(alarms, "AlarmsDriftingNodeGroups");
    assertThat(drift.at("/Properties/MetricName").asText()).isEqualTo("DriftingNodeGroups");
    assertThat(drift.at("/Properties/Namespace").asText()).isEqualTo("EksNodeRemediator");
    assertThat(drift.at("/Properties/Statistic").asText()).isEqualTo("Maximum");
    JsonNode deferred = byId(alarms, "AlarmsDeferredNodes");
    assertThat(deferred.at("/Properties/MetricName").asText()).isEqualTo("NodesDeferred");
    assertThat(deferred.at("/Properties/Namespace").asText()).isEqualTo("EksNodeRemediator");
    assertThat(deferred.at("/Properties/Statistic").asText()).isEqualTo("Maximum");
    assertThat(deferred.at("/Properties/Period").asInt()).isEqualTo(3600);
    assertThat(deferred.at("/Properties/Threshold").asInt()).isEqualTo(1);
    assertThat(deferred.at("/Properties/TreatMissingData").asText()).isEqualTo("notBreaching");
    assertThat(deferred.has("Dimensions")).isFalse();
    JsonNode loosened = byId(alarms, "AlarmsLoosenedNodes");
    assertThat(loosened.at("/Properties/MetricName").asText()).isEqualTo("NodesLoosened");
    assertThat(loosened.at("/Properties/Statistic").asText()).isEqualTo("Sum");
    assertThat(loosened.at("/Properties/Period").asInt()).isEqualTo(300);
    // No topic without alarmEmail: the alarms have no actions.
    assertThat(resources("defaults", "AWS::SNS::Topic")).isEmpty();
    alarms
        .values()
        .forEach(a -> assertThat(a.at("/Properties/AlarmActions").isMissingNode()).isTrue());
  }

  private static JsonNode byId(Map<String, JsonNode> resources, String prefix) {
    return resources.entrySet().stream()
        .filter(e -> e.getKey().startsWith(prefix))
        .map(Map.Entry::getValue)
        .findFirst()
        .orElseThrow(
            () -> new AssertionError("no resource " + prefix + " in " + resources.keySet()));
  }

  @Test
  void alarmEmail_addsATopicWithTheSubscription_andEveryAlarmNotifiesIt() {
    assertThat(resources("clusters", "AWS::SNS::Topic")).hasSize(1);
    JsonNode subscription =
        resources("clusters", "AWS::SNS::Subscription").values().iterator().next();
    assertThat(subscription.at("/Properties/Protocol").asText()).isEqualTo("email");
    assertThat(subscription.at("/Properties/Endpoint").asText()).isEqualTo("oncall@example.com");
    Map<String, JsonNode> alarms = resources("clusters", "AWS::CloudWatch::Alarm");
    assertThat(alarms).hasSizeGreaterThanOrEqualTo(4);
    alarms.values().forEach(a -> assertThat(a.at("/Properties/AlarmActions").size()).isEqualTo(1));
    // Only TLS may publish.
    JsonNode policy = resources("clusters", "AWS::SNS::TopicPolicy").values().iterator().next();
    assertThat(policy.toString()).contains("aws:SecureTransport");
  }
}
