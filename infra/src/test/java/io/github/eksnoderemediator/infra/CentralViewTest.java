package io.github.eksnoderemediator.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.eksnoderemediator.config.ConfigException;
import io.github.eksnoderemediator.infra.constructs.CentralView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** The central view's stack, on its synthesized template. */
class CentralViewTest {
  static final String ORG = "o-a1b2c3d4e5";
  static final String TOPIC = "arn:aws:sns:eu-west-1:999999999999:security-alerts";

  private static Template template() {
    return TestStacks.central().assertions();
  }

  private static JsonNode json() {
    return TestStacks.central().template();
  }

  private static List<JsonNode> resources(String type) {
    List<JsonNode> found = new ArrayList<>();
    json()
        .path("Resources")
        .forEach(
            r -> {
              if (type.equals(r.path("Type").asText())) {
                found.add(r);
              }
            });
    return found;
  }

  @Test
  void bus_isNamed_andItsOnlyPolicyLetsTheOrganizationPutEvents_andNothingElse() {
    template()
        .hasResourceProperties(
            "AWS::Events::EventBus", Map.of("Name", "eks-node-remediator-decisions"));
    List<JsonNode> policies = resources("AWS::Events::EventBusPolicy");
    assertThat(policies).hasSize(1);
    JsonNode statement = policies.get(0).at("/Properties/Statement");
    assertThat(statement.path("Effect").asText()).isEqualTo("Allow");
    assertThat(statement.path("Principal"))
        .isEqualTo(TestStacks.JSON.valueToTree(Map.of("AWS", "*")));
    assertThat(statement.path("Action").asText()).isEqualTo("events:PutEvents");
    assertThat(statement.path("Resource").path("Fn::GetAtt").get(1).asText()).isEqualTo("Arn");
    assertThat(statement.path("Condition"))
        .isEqualTo(
            TestStacks.JSON.valueToTree(Map.of("StringEquals", Map.of("aws:PrincipalOrgID", ORG))));
  }

  @Test
  void logGroup_isKept_withTheConfiguredRetention_andOnlyEventBridgeMayWriteToIt() {
    template()
        .hasResource(
            "AWS::Logs::LogGroup",
            Map.of(
                "Properties",
                Map.of(
                    "LogGroupName",
                    "/aws/events/eks-node-remediator-decisions",
                    "RetentionInDays",
                    400),
                "DeletionPolicy",
                "Retain"));
    List<JsonNode> policies = resources("AWS::Logs::ResourcePolicy");
    assertThat(policies).hasSize(1);
    JsonNode document =
        TestStacks.JSON.valueToTree(
            policies.get(0).at("/Properties/PolicyDocument").isTextual()
                ? readJson(policies.get(0).at("/Properties/PolicyDocument").asText())
                : policies.get(0).at("/Properties/PolicyDocument"));
    String text = document.toString();
    assertThat(text)
        .contains("events.amazonaws.com")
        .contains("delivery.logs.amazonaws.com")
        .contains("logs:CreateLogStream")
        .contains("logs:PutLogEvents")
        .doesNotContain("logs:*");
  }

  @Test
  void logGroupPolicy_letsEventBridgeWriteOnlyForTheRecordRule_andDeliveryOnlyForThisAccount() {
    JsonNode policy =
        resources("AWS::Logs::ResourcePolicy").get(0).at("/Properties/PolicyDocument");
    JsonNode document = readJson(withPlaceholders(policy));
    String recordRule = TestStacks.idOf(template(), "AWS::Events::Rule", "CentralViewRecord");

    JsonNode events = statement(document, "RecordRuleWritesDecisionEvents");
    assertThat(events.at("/Principal/Service").asText()).isEqualTo("events.amazonaws.com");
    assertThat(events.path("Condition"))
        .isEqualTo(
            readJson(
                """
                {"StringEquals": {"aws:SourceAccount": "${AWS::AccountId}"},
                 "ArnEquals": {"aws:SourceArn": "${%s.Arn}"}}
                """
                    .formatted(recordRule)));
    JsonNode delivery = statement(document, "LogDeliveryForThisAccountOnly");
    assertThat(delivery.at("/Principal/Service").asText()).isEqualTo("delivery.logs.amazonaws.com");
    assertThat(delivery.path("Condition"))
        .isEqualTo(readJson("{\"StringEquals\": {\"aws:SourceAccount\": \"${AWS::AccountId}\"}}"));
    assertThat(document.path("Statement")).hasSize(2);
  }

  /** The statement with this Sid. */
  private static JsonNode statement(JsonNode document, String sid) {
    for (JsonNode statement : document.path("Statement")) {
      if (sid.equals(statement.path("Sid").asText())) {
        return statement;
      }
    }
    throw new AssertionError("no statement " + sid + " in " + document);
  }

  /**
   * A resource policy CloudFormation receives as a string: a literal, or an Fn::Join of literals
   * and references, written here as ${Logical.Attribute} and ${AWS::Pseudo} placeholders.
   */
  private static String withPlaceholders(JsonNode document) {
    if (document.isTextual()) {
      return document.asText();
    }
    StringBuilder text = new StringBuilder();
    for (JsonNode part : document.path("Fn::Join").get(1)) {
      if (part.isTextual()) {
        text.append(part.asText());
      } else if (part.has("Ref")) {
        text.append("${").append(part.path("Ref").asText()).append('}');
      } else {
        JsonNode attribute = part.path("Fn::GetAtt");
        text.append("${")
            .append(attribute.get(0).asText())
            .append('.')
            .append(attribute.get(1).asText())
            .append('}');
      }
    }
    return text.toString();
  }

  @Test
  void recordRule_sendsEveryDecisionEventOnTheBus_toTheLogGroup_withoutARole() {
    List<JsonNode> rules = resources("AWS::Events::Rule");
    assertThat(rules).hasSize(1);
    JsonNode rule = rules.get(0).path("Properties");
    assertThat(rule.at("/EventBusName/Ref").asText()).startsWith("CentralViewBus");
    assertThat(rule.path("EventPattern"))
        .isEqualTo(
            TestStacks.JSON.valueToTree(
                Map.of(
                    "source", List.of("eks-node-remediator"),
                    "detail-type", List.of("EKS Node Remediator Decision"))));
    JsonNode target = rule.path("Targets").get(0);
    assertThat(rule.path("Targets")).hasSize(1);
    // CloudWatch Logs targets take no RoleArn: the log group's resource policy decides.
    assertThat(target.has("RoleArn")).isFalse();
    assertThat(target.path("Arn").toString()).contains(":logs:").contains(":log-group:");
  }

  @Test
  void alarms_onFailuresAndTampering_countTheRecord_andNotifyTheTopic() {
    template()
        .hasResourceProperties(
            "AWS::Logs::MetricFilter",
            Map.of(
                "FilterPattern",
                "{ $.detail.decision = \"failed\" }",
                "MetricTransformations",
                List.of(
                    Map.of(
                        "MetricNamespace", CentralView.NAMESPACE,
                        "MetricName", CentralView.FAILED_METRIC,
                        "MetricValue", "1"))));
    template()
        .hasResourceProperties(
            "AWS::Logs::MetricFilter",
            Map.of(
                "FilterPattern",
                "{ $.detail.outcome = \"tampered\" }",
                "MetricTransformations",
                List.of(
                    Map.of(
                        "MetricNamespace", CentralView.NAMESPACE,
                        "MetricName", CentralView.TAMPERED_METRIC,
                        "MetricValue", "1"))));
    for (String metric : List.of(CentralView.FAILED_METRIC, CentralView.TAMPERED_METRIC)) {
      template()
          .hasResourceProperties(
              "AWS::CloudWatch::Alarm",
              Map.of(
                  "MetricName",
                  metric,
                  "Namespace",
                  CentralView.NAMESPACE,
                  "Threshold",
                  1,
                  "ComparisonOperator",
                  "GreaterThanOrEqualToThreshold",
                  "TreatMissingData",
                  "notBreaching",
                  "AlarmActions",
                  List.of(TOPIC)));
    }
    // The record itself failing: AWS/Events on the custom bus carries both dimensions.
    template()
        .hasResourceProperties(
            "AWS::CloudWatch::Alarm",
            Map.of(
                "Namespace",
                "AWS/Events",
                "MetricName",
                "FailedInvocations",
                "Dimensions",
                Match.arrayWith(
                    List.of(
                        Match.objectLike(Map.of("Name", "EventBusName")),
                        Match.objectLike(Map.of("Name", "RuleName")))),
                "AlarmActions",
                List.of(TOPIC)));
    assertThat(resources("AWS::CloudWatch::Alarm")).hasSize(3);
  }

  @Test
  void dashboard_runsEachDocumentedQuery_onTheLogGroup() throws Exception {
    List<JsonNode> dashboards = resources("AWS::CloudWatch::Dashboard");
    assertThat(dashboards).hasSize(1);
    // The body is a JSON document joined from strings and references: keep the strings.
    StringBuilder body = new StringBuilder();
    JsonNode join = dashboards.get(0).at("/Properties/DashboardBody");
    JsonNode parts = join.has("Fn::Join") ? join.path("Fn::Join").get(1) : join;
    if (parts.isTextual()) {
      body.append(parts.asText());
    } else {
      parts.forEach(p -> body.append(p.isTextual() ? p.asText() : "REF"));
    }
    for (String query : CentralView.QUERIES.values()) {
      String encoded = TestStacks.JSON.writeValueAsString(query);
      assertThat(body.toString())
          .as(query)
          .contains("| " + encoded.substring(1, encoded.length() - 1) + "\"");
    }
    assertThat(body.toString()).contains("\"AWS/Events\"").contains("\"MatchedEvents\"");
  }

  @Test
  void docs_showExactlyTheDashboardsQueries() throws Exception {
    String doc =
        java.nio.file.Files.readString(TestStacks.repoRoot().resolve("docs/central-view.md"));
    for (String query : CentralView.QUERIES.values()) {
      assertThat(doc).as("docs/central-view.md shows the query").contains("\n" + query + "\n");
    }
  }

  @Test
  void outputs_nameTheBusMembersPointAt() {
    template().hasOutput("CentralEventBusArn", Map.of());
    template().hasOutput("DecisionLogGroup", Map.of());
    template().hasOutput("DashboardName", Map.of());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          {}                                           | context "central-view" organizationId: missing: the organization's id (o-…)
          {"organizationId": "123456789012"}           | context "central-view" organizationId: must be an AWS Organizations id (o-…), got "123456789012"
          {"organizationId": "o-a1b2c3d4e5", "busName": "default"} | context "central-view" busName: must be an event bus name other than default (A-Z a-z 0-9 . _ -), got "default"
          {"organizationId": "o-a1b2c3d4e5", "logRetentionDays": 31} | context "central-view" logRetentionDays: must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 (the values CloudWatch Logs accepts), got 31
          {"organizationId": "o-a1b2c3d4e5", "alarmTopicArn": "security-alerts"} | context "central-view" alarmTopicArn: must be an SNS topic ARN, got "security-alerts"
          {"organization": "o-a1b2c3d4e5"}             | context "central-view" organization: unknown field (expected one of alarmTopicArn, busName, logRetentionDays, organizationId)
          """)
  void badSettings_failOnOneLineNamingTheField(String json, String message) {
    assertThatThrownBy(() -> CentralViewSettings.fromContext(json))
        .isInstanceOf(ConfigException.class)
        .hasMessage(message);
  }

  @Test
  void missingSettings_sayWhatToPass() {
    assertThatThrownBy(() -> CentralViewSettings.fromContext(null))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--context central-view=");
  }

  @Test
  void settings_fromAnObject_takeDefaultsForWhatIsLeftOut() {
    assertThat(CentralViewSettings.fromContext(Map.of("organizationId", ORG)))
        .isEqualTo(CentralViewSettings.of(ORG));
  }

  private static JsonNode readJson(String text) {
    try {
      return TestStacks.JSON.readTree(text);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
