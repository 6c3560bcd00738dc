package io.github.eksnoderemediator.infra;

import static io.github.eksnoderemediator.infra.TestStacks.getAtt;
import static io.github.eksnoderemediator.infra.TestStacks.only;
import static io.github.eksnoderemediator.infra.TestStacks.ref;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.eksnoderemediator.config.RemediatorConfig;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ImdsFunctionTest {

  @Test
  void function_runsTheImdsHandlerOnJava21WithSnapStart() {
    JsonNode fn =
        only(TestStacks.defaults().template(), "AWS::Lambda::Function")
            .getValue()
            .get("Properties");

    assertThat(fn.get("Runtime").asText()).isEqualTo("java21");
    assertThat(fn.get("Handler").asText())
        .isEqualTo("io.github.eksnoderemediator.handler.ImdsHandler::handleRequest");
    assertThat(fn.at("/SnapStart/ApplyOn").asText()).isEqualTo("PublishedVersions");
  }

  @Test
  void function_takesMemoryTimeoutAndArchitectureFromTheDefaults() {
    JsonNode fn =
        only(TestStacks.defaults().template(), "AWS::Lambda::Function")
            .getValue()
            .get("Properties");

    assertThat(fn.get("MemorySize").asInt()).isEqualTo(1024);
    assertThat(fn.get("Timeout").asInt()).isEqualTo(900);
    assertThat(fn.get("Architectures")).hasSize(1);
    assertThat(fn.get("Architectures").get(0).asText()).isEqualTo("arm64");
  }

  @Test
  void function_takesMemoryTimeoutAndArchitectureFromDeploymentSettings() {
    JsonNode fn =
        only(TestStacks.clusters().template(), "AWS::Lambda::Function")
            .getValue()
            .get("Properties");

    assertThat(fn.get("MemorySize").asInt()).isEqualTo(512);
    assertThat(fn.get("Timeout").asInt()).isEqualTo(60);
    assertThat(fn.get("Architectures").get(0).asText()).isEqualTo("x86_64");
  }

  @Test
  void environment_carriesTheCdkJsonConfigurationAndC1Only() throws Exception {
    JsonNode variables =
        only(TestStacks.defaults().template(), "AWS::Lambda::Function")
            .getValue()
            .at("/Properties/Environment/Variables");

    assertThat(fieldNames(variables))
        .containsExactlyInAnyOrder("REMEDIATOR_CONFIG", "JAVA_TOOL_OPTIONS");
    assertThat(variables.get("JAVA_TOOL_OPTIONS").asText())
        .isEqualTo("-XX:+TieredCompilation -XX:TieredStopAtLevel=1");
    String config = variables.get(RemediatorConfig.ENV_VAR).asText();
    assertThat(config).doesNotContain("\n", " ");
    assertThat(TestStacks.JSON.readTree(config))
        .isEqualTo(TestStacks.JSON.valueToTree(TestStacks.cdkJsonContext().get("remediator")));
    assertThat(RemediatorConfig.parse(config, "test")).isEqualTo(RemediatorConfig.DEFAULT);
  }

  @Test
  void environment_carriesAnOverriddenConfigurationThatParsesToTheSameRecord() {
    String config =
        only(TestStacks.clusters().template(), "AWS::Lambda::Function")
            .getValue()
            .at("/Properties/Environment/Variables/REMEDIATOR_CONFIG")
            .asText();

    RemediatorConfig parsed = RemediatorConfig.parse(config, "test");
    assertThat(parsed.clusters()).containsExactlyInAnyOrder("prod", "staging");
    assertThat(parsed).isEqualTo(RemediatorConfig.parse(TestStacks.CLUSTERS_REMEDIATOR, "test"));
  }

  @Test
  void function_usesItsOwnRoleAndLogGroup() {
    JsonNode template = TestStacks.defaults().template();
    JsonNode fn = only(template, "AWS::Lambda::Function").getValue().get("Properties");
    String role = only(template, "AWS::IAM::Role").getKey();
    String logGroup = only(template, "AWS::Logs::LogGroup").getKey();

    assertThat(fn.get("Role")).isEqualTo(getAtt(role, "Arn"));
    assertThat(fn.at("/LoggingConfig/LogGroup")).isEqualTo(ref(logGroup));
  }

  @Test
  void logGroup_keepsLogsForTheConfiguredDays() {
    assertThat(
            only(TestStacks.defaults().template(), "AWS::Logs::LogGroup")
                .getValue()
                .at("/Properties/RetentionInDays")
                .asInt())
        .isEqualTo(30);
    assertThat(
            only(TestStacks.clusters().template(), "AWS::Logs::LogGroup")
                .getValue()
                .at("/Properties/RetentionInDays")
                .asInt())
        .isEqualTo(7);
  }

  @Test
  void alias_live_pointsAtThePublishedCurrentVersion() {
    JsonNode template = TestStacks.defaults().template();
    String function = only(template, "AWS::Lambda::Function").getKey();
    Map.Entry<String, JsonNode> version = only(template, "AWS::Lambda::Version");
    JsonNode alias = only(template, "AWS::Lambda::Alias").getValue().get("Properties");

    assertThat(alias.get("Name").asText()).isEqualTo("live");
    assertThat(alias.get("FunctionName")).isEqualTo(ref(function));
    assertThat(alias.get("FunctionVersion")).isEqualTo(getAtt(version.getKey(), "Version"));
    assertThat(version.getValue().at("/Properties/FunctionName")).isEqualTo(ref(function));
  }

  @Test
  void asyncInvokeConfig_onTheAlias_retriesThenSendsFailuresToTheQueue() {
    JsonNode template = TestStacks.defaults().template();
    String alias = only(template, "AWS::Lambda::Alias").getKey();
    String queue = TestStacks.failureQueue(template).getKey();
    JsonNode config = only(template, "AWS::Lambda::EventInvokeConfig").getValue().get("Properties");

    assertThat(config.get("MaximumRetryAttempts").asInt()).isEqualTo(2);
    assertThat(config.get("MaximumEventAgeInSeconds").asInt()).isEqualTo(3600);
    assertThat(config.at("/DestinationConfig/OnFailure/Destination"))
        .isEqualTo(getAtt(queue, "Arn"));
    assertThat(config.at("/DestinationConfig/OnSuccess").isMissingNode()).isTrue();
    // The qualifier is the alias's name, taken from the alias ARN: not $LATEST, not a version.
    assertThat(config.get("Qualifier").toString()).contains(ref(alias).toString());
  }

  @Test
  void asyncInvokeConfig_takesRetriesAndAgeFromDeploymentSettings() {
    JsonNode config =
        only(TestStacks.clusters().template(), "AWS::Lambda::EventInvokeConfig")
            .getValue()
            .get("Properties");

    assertThat(config.get("MaximumRetryAttempts").asInt()).isZero();
    assertThat(config.get("MaximumEventAgeInSeconds").asInt()).isEqualTo(600);
  }

  static Set<String> fieldNames(JsonNode node) {
    Set<String> names = new java.util.TreeSet<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
