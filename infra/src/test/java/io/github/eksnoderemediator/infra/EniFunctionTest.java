package io.github.eksnoderemediator.infra;

import static io.github.eksnoderemediator.infra.TestStacks.byIdPrefix;
import static io.github.eksnoderemediator.infra.TestStacks.getAtt;
import static io.github.eksnoderemediator.infra.TestStacks.ref;
import static io.github.eksnoderemediator.infra.TestStacks.resources;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.eksnoderemediator.config.RemediatorConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The ENI function, its alias, log group, asynchronous configuration, alarm and outputs; and that
 * none of it exists without profiles.
 */
class EniFunctionTest {
  static final String HANDLER = "io.github.eksnoderemediator.handler.EniHandler::handleRequest";

  @ParameterizedTest
  @ValueSource(strings = {"defaults", "clusters"})
  void withoutProfiles_thereIsNoEniResourceAtAll(String stack) {
    JsonNode template = TestStacks.named(stack).template();

    List<String> ids = new ArrayList<>();
    template.get("Resources").fieldNames().forEachRemaining(ids::add);

    assertThat(ids).noneMatch(id -> id.startsWith("Eni") || id.startsWith("AlarmsEni"));
    assertThat(TestStacks.remediatorResources(template, "AWS::Lambda::Function")).hasSize(1);
    assertThat(TestStacks.remediatorResources(template, "AWS::IAM::Role")).hasSize(1);
    assertThat(resources(template, "AWS::Events::Rule")).hasSize(4);
    assertThat(template.get("Outputs").has("EniFunctionName")).isFalse();
    assertThat(template.get("Outputs").has("EniAliasArn")).isFalse();
    assertThat(template.toString()).doesNotContain("EniHandler", "NetworkInterface");
  }

  @ParameterizedTest
  @ValueSource(strings = {"eni", "eniClusters"})
  void withProfiles_bothFunctionsAreDeployed_eachWithItsOwnRoleLogGroupAndAlias(String stack) {
    JsonNode template = TestStacks.named(stack).template();

    assertThat(TestStacks.remediatorResources(template, "AWS::Lambda::Function")).hasSize(2);
    assertThat(resources(template, "AWS::Lambda::Alias")).hasSize(2);
    assertThat(TestStacks.remediatorResources(template, "AWS::Logs::LogGroup")).hasSize(2);
    assertThat(TestStacks.remediatorResources(template, "AWS::IAM::Role")).hasSize(2);
    assertThat(handler(template, "ImdsFunction"))
        .isEqualTo("io.github.eksnoderemediator.handler.ImdsHandler::handleRequest");
    assertThat(handler(template, "EniFunction")).isEqualTo(HANDLER);
  }

  @ParameterizedTest
  @ValueSource(strings = {"eni", "eniClusters"})
  void function_runsTheEniHandlerOnJava21WithSnapStart_andItsOwnRoleAndLogGroup(String stack) {
    JsonNode template = TestStacks.named(stack).template();
    JsonNode fn = eniFunction(template).getValue().get("Properties");

    assertThat(fn.get("Runtime").asText()).isEqualTo("java21");
    assertThat(fn.get("Handler").asText()).isEqualTo(HANDLER);
    assertThat(fn.at("/SnapStart/ApplyOn").asText()).isEqualTo("PublishedVersions");
    assertThat(fn.get("Role"))
        .isEqualTo(
            getAtt(byIdPrefix(template, "AWS::IAM::Role", "EniPermissions").getKey(), "Arn"));
    assertThat(fn.at("/LoggingConfig/LogGroup"))
        .isEqualTo(ref(byIdPrefix(template, "AWS::Logs::LogGroup", "EniLogs").getKey()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"eni", "eniClusters"})
  void function_takesMemoryTimeoutArchitectureAndRetentionLikeTheImdsFunction(String stack) {
    JsonNode template = TestStacks.named(stack).template();
    JsonNode eni = eniFunction(template).getValue().get("Properties");
    JsonNode imds = byIdPrefix(template, "AWS::Lambda::Function", "ImdsFunction").getValue();

    for (String field : List.of("MemorySize", "Timeout", "Architectures", "Environment")) {
      assertThat(eni.get(field)).as(field).isEqualTo(imds.at("/Properties/" + field));
    }
    assertThat(
            byIdPrefix(template, "AWS::Logs::LogGroup", "EniLogs")
                .getValue()
                .at("/Properties/RetentionInDays"))
        .isEqualTo(
            byIdPrefix(template, "AWS::Logs::LogGroup", "ImdsLogs")
                .getValue()
                .at("/Properties/RetentionInDays"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"eni", "eniClusters"})
  void environment_carriesTheConfigurationWithItsProfiles(String stack) throws Exception {
    String source =
        "eni".equals(stack) ? TestStacks.ENI_REMEDIATOR : TestStacks.ENI_CLUSTERS_REMEDIATOR;
    JsonNode variables =
        eniFunction(TestStacks.named(stack).template())
            .getValue()
            .at("/Properties/Environment/Variables");

    assertThat(ImdsFunctionTest.fieldNames(variables))
        .containsExactlyInAnyOrder("REMEDIATOR_CONFIG", "JAVA_TOOL_OPTIONS");
    assertThat(variables.get("JAVA_TOOL_OPTIONS").asText())
        .isEqualTo("-XX:+TieredCompilation -XX:TieredStopAtLevel=1");
    String config = variables.get(RemediatorConfig.ENV_VAR).asText();
    assertThat(TestStacks.JSON.readTree(config)).isEqualTo(TestStacks.JSON.readTree(source));
    RemediatorConfig parsed = RemediatorConfig.parse(config, "test");
    assertThat(parsed).isEqualTo(RemediatorConfig.parse(source, "test"));
    assertThat(parsed.eni().profiles()).hasSize(2);
  }

  @ParameterizedTest
  @ValueSource(strings = {"eni", "eniClusters"})
  void alias_live_pointsAtThePublishedCurrentVersionOfTheEniFunction(String stack) {
    JsonNode template = TestStacks.named(stack).template();
    String function = eniFunction(template).getKey();
    Map.Entry<String, JsonNode> version =
        byIdPrefix(template, "AWS::Lambda::Version", "EniFunctionCurrentVersion");
    JsonNode alias = eniAlias(template).getValue().get("Properties");

    assertThat(alias.get("Name").asText()).isEqualTo("live");
    assertThat(alias.get("FunctionName")).isEqualTo(ref(function));
    assertThat(alias.get("FunctionVersion")).isEqualTo(getAtt(version.getKey(), "Version"));
    assertThat(version.getValue().at("/Properties/FunctionName")).isEqualTo(ref(function));
  }

  @ParameterizedTest
  @ValueSource(strings = {"eni", "eniClusters"})
  void asyncInvokeConfig_onTheEniAlias_retriesThenSendsFailuresToTheSameQueue(String stack) {
    JsonNode template = TestStacks.named(stack).template();
    String alias = eniAlias(template).getKey();
    String queue = TestStacks.failureQueue(template).getKey();
    JsonNode config =
        byIdPrefix(template, "AWS::Lambda::EventInvokeConfig", "EniLive")
            .getValue()
            .get("Properties");
    JsonNode imds =
        byIdPrefix(template, "AWS::Lambda::EventInvokeConfig", "ImdsLive")
            .getValue()
            .get("Properties");

    assertThat(config.get("MaximumRetryAttempts")).isEqualTo(imds.get("MaximumRetryAttempts"));
    assertThat(config.get("MaximumEventAgeInSeconds"))
        .isEqualTo(imds.get("MaximumEventAgeInSeconds"));
    assertThat(config.at("/DestinationConfig/OnFailure/Destination"))
        .isEqualTo(getAtt(queue, "Arn"));
    assertThat(config.at("/DestinationConfig/OnSuccess").isMissingNode()).isTrue();
    assertThat(config.get("Qualifier").toString()).contains(ref(alias).toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"eni", "eniClusters"})
  void errorsAlarm_watchesTheEniAlias(String stack) {
    JsonNode template = TestStacks.named(stack).template();
    String function = eniFunction(template).getKey();
    JsonNode alarm =
        byIdPrefix(template, "AWS::CloudWatch::Alarm", "AlarmsEniFunctionErrors")
            .getValue()
            .get("Properties");

    // Two function errors, two dead-letter queues, failure queue, failed remediations, drift,
    // deferred nodes, loosened nodes, touched interfaces.
    assertThat(resources(template, "AWS::CloudWatch::Alarm")).hasSize(10);
    JsonNode touched =
        byIdPrefix(template, "AWS::CloudWatch::Alarm", "AlarmsTouchedInterfaces")
            .getValue()
            .get("Properties");
    assertThat(touched.get("MetricName").asText()).isEqualTo("InterfacesTouched");
    assertThat(touched.get("Statistic").asText()).isEqualTo("Sum");
    assertThat(alarm.get("MetricName").asText()).isEqualTo("Errors");
    assertThat(alarm.get("Statistic").asText()).isEqualTo("Sum");
    assertThat(alarm.get("Period").asInt()).isEqualTo(300);
    assertThat(alarm.get("Threshold").asDouble()).isEqualTo(1.0);
    assertThat(alarm.get("TreatMissingData").asText()).isEqualTo("notBreaching");
    assertThat(alarm.get("AlarmDescription").asText()).contains("the ENI function failed");
    assertThat(alarm.get("Dimensions").toString())
        .contains("{\"Name\":\"FunctionName\",\"Value\":" + ref(function) + "}")
        .contains(":live");
  }

  @ParameterizedTest
  @ValueSource(strings = {"eni", "eniClusters"})
  void outputs_nameTheEniFunctionAndItsAlias(String stack) {
    JsonNode template = TestStacks.named(stack).template();
    JsonNode outputs = template.get("Outputs");

    assertThat(outputs.at("/EniFunctionName/Value")).isEqualTo(ref(eniFunction(template).getKey()));
    assertThat(outputs.at("/EniAliasArn/Value")).isEqualTo(ref(eniAlias(template).getKey()));
    assertThat(outputs.has("ImdsAliasArn")).isTrue();
    assertThat(outputs.has("FailureQueueUrl")).isTrue();
  }

  static Map.Entry<String, JsonNode> eniFunction(JsonNode template) {
    return byIdPrefix(template, "AWS::Lambda::Function", "EniFunction");
  }

  static Map.Entry<String, JsonNode> eniAlias(JsonNode template) {
    return byIdPrefix(template, "AWS::Lambda::Alias", "EniLive");
  }

  private static String handler(JsonNode template, String prefix) {
    return byIdPrefix(template, "AWS::Lambda::Function", prefix)
        .getValue()
        .at("/Properties/Handler")
        .asText();
  }
}
