package io.github.eksnoderemediator.infra;

import static io.github.eksnoderemediator.infra.TestStacks.getAttOf;
import static io.github.eksnoderemediator.infra.TestStacks.refTo;
import static org.assertj.core.api.Assertions.assertThat;
import static software.amazon.awscdk.assertions.Match.absent;
import static software.amazon.awscdk.assertions.Match.objectEquals;

import io.github.eksnoderemediator.config.RemediatorConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Capture;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class ImdsFunctionTest {
  static final String HANDLER = "io.github.eksnoderemediator.handler.ImdsHandler::handleRequest";

  /** The IMDS function, as a resource pattern (the permissions check runs another handler). */
  static final Map<String, Object> IMDS_FUNCTION = Map.of("Properties", Map.of("Handler", HANDLER));

  private final Template template = TestStacks.defaults().assertions();

  @Test
  void function_runsTheImdsHandlerOnJava21WithSnapStart() {
    template.hasResourceProperties(
        "AWS::Lambda::Function",
        Map.of(
            "Handler",
            HANDLER,
            "Runtime",
            "java21",
            "SnapStart",
            Map.of("ApplyOn", "PublishedVersions")));
  }

  @Test
  void function_takesMemoryTimeoutAndArchitectureFromTheDefaults() {
    template.hasResourceProperties(
        "AWS::Lambda::Function",
        Map.of(
            "Handler",
            HANDLER,
            "MemorySize",
            1024,
            "Timeout",
            900,
            "Architectures",
            List.of("arm64")));
  }

  @Test
  void function_takesMemoryTimeoutAndArchitectureFromDeploymentSettings() {
    TestStacks.clusters()
        .assertions()
        .hasResourceProperties(
            "AWS::Lambda::Function",
            Map.of(
                "Handler",
                HANDLER,
                "MemorySize",
                512,
                "Timeout",
                60,
                "Architectures",
                List.of("x86_64")));
  }

  @Test
  void functions_reserveFiveByDefault_aboveTheLaunchQueuesTwoPollers_andChecksReserveNone() {
    template.hasResourceProperties(
        "AWS::Lambda::Function", Map.of("Handler", HANDLER, "ReservedConcurrentExecutions", 5));
    template.hasResourceProperties(
        "AWS::Lambda::EventSourceMapping",
        Map.of("ScalingConfig", Map.of("MaximumConcurrency", 2)));
    TestStacks.eni()
        .assertions()
        .hasResourceProperties(
            "AWS::Lambda::Function",
            Map.of("Handler", EniFunctionTest.HANDLER, "ReservedConcurrentExecutions", 5));
    // The deploy-time permissions check runs once per deployment: it takes nothing for good.
    template.hasResourceProperties(
        "AWS::Lambda::Function",
        Map.of(
            "Handler",
            "io.github.eksnoderemediator.handler.ImdsPermissionsCheckHandler::handleRequest",
            "ReservedConcurrentExecutions",
            absent()));
  }

  @Test
  void functions_reserveNothing_withReservedConcurrencyFalse() {
    for (Template t :
        List.of(TestStacks.clusters().assertions(), TestStacks.eniClusters().assertions())) {
      assertThat(
              t.findResources(
                      "AWS::Lambda::Function",
                      Map.of(
                          "Properties", Map.of("ReservedConcurrentExecutions", Match.anyValue())))
                  .keySet())
          .isEmpty();
    }
  }

  @Test
  void environment_carriesTheCdkJsonConfigurationAndC1Only() throws Exception {
    Capture config = new Capture();
    template.hasResourceProperties(
        "AWS::Lambda::Function",
        Map.of(
            "Handler",
            HANDLER,
            "Environment",
            Map.of(
                "Variables",
                objectEquals(
                    Map.of(
                        RemediatorConfig.ENV_VAR,
                        config,
                        "JAVA_TOOL_OPTIONS",
                        "-XX:+TieredCompilation -XX:TieredStopAtLevel=1")))));

    assertThat(config.asString()).doesNotContain("\n", " ");
    assertThat(TestStacks.JSON.readTree(config.asString()))
        .isEqualTo(TestStacks.JSON.valueToTree(TestStacks.cdkJsonContext().get("remediator")));
    assertThat(RemediatorConfig.parse(config.asString(), "test"))
        .isEqualTo(RemediatorConfig.DEFAULT);
  }

  @Test
  void environment_carriesAnOverriddenConfigurationThatParsesToTheSameRecord() {
    Capture config = new Capture();
    TestStacks.clusters()
        .assertions()
        .hasResourceProperties(
            "AWS::Lambda::Function",
            Map.of(
                "Handler",
                HANDLER,
                "Environment",
                Map.of("Variables", Map.of(RemediatorConfig.ENV_VAR, config))));

    RemediatorConfig parsed = RemediatorConfig.parse(config.asString(), "test");
    assertThat(parsed.clusters()).containsExactlyInAnyOrder("prod", "staging");
    assertThat(parsed).isEqualTo(RemediatorConfig.parse(TestStacks.CLUSTERS_REMEDIATOR, "test"));
  }

  @Test
  void function_usesItsOwnRoleAndLogGroup() {
    Capture role = new Capture();
    Capture logGroup = new Capture();
    template.hasResourceProperties(
        "AWS::Lambda::Function",
        Map.of(
            "Handler",
            HANDLER,
            "Role",
            Map.of("Fn::GetAtt", List.of(role, "Arn")),
            "LoggingConfig",
            Map.of("LogGroup", Map.of("Ref", logGroup))));

    assertThat(template.findResources("AWS::IAM::Role")).containsKey(role.asString());
    assertThat(template.findResources("AWS::Logs::LogGroup")).containsKey(logGroup.asString());
    // The permissions check runs as the function's role, but logs to its own group.
    template.resourcePropertiesCountIs(
        "AWS::Lambda::Function",
        Map.of("LoggingConfig", Map.of("LogGroup", refTo(logGroup.asString()))),
        1);
    // Besides the function's role, only the permissions check's trigger provider has one.
    assertThat(template.findResources("AWS::IAM::Role").keySet())
        .allMatch(id -> id.equals(role.asString()) || id.startsWith("AWSCDKTrigger"));
  }

  @Test
  void logGroup_keepsLogsForTheConfiguredDays() {
    assertRetention(template, 30);
    assertRetention(TestStacks.clusters().assertions(), 7);
  }

  private static void assertRetention(Template template, int days) {
    Capture logGroup = new Capture();
    template.hasResourceProperties(
        "AWS::Lambda::Function",
        Map.of("Handler", HANDLER, "LoggingConfig", Map.of("LogGroup", Map.of("Ref", logGroup))));
    template.templateMatches(
        TestStacks.resourceLike(
            logGroup.asString(), "AWS::Logs::LogGroup", Map.of("RetentionInDays", days)));
  }

  @Test
  void alias_live_pointsAtThePublishedCurrentVersion() {
    String function = template.getResourceId("AWS::Lambda::Function", IMDS_FUNCTION);
    Capture version = new Capture();

    template.resourceCountIs("AWS::Lambda::Alias", 1);
    template.hasResourceProperties(
        "AWS::Lambda::Alias",
        Map.of(
            "Name", "live",
            "FunctionName", refTo(function),
            "FunctionVersion", Map.of("Fn::GetAtt", List.of(version, "Version"))));
    template.templateMatches(
        TestStacks.resourceLike(
            version.asString(), "AWS::Lambda::Version", Map.of("FunctionName", refTo(function))));
  }

  @Test
  void asyncInvokeConfig_onTheAlias_retriesThenSendsFailuresToTheQueue() {
    String alias = TestStacks.idOf(template, "AWS::Lambda::Alias", "ImdsLive");
    String queue = TestStacks.idOf(template, "AWS::SQS::Queue", "FailuresQueue");

    template.resourceCountIs("AWS::Lambda::EventInvokeConfig", 1);
    template.hasResourceProperties(
        "AWS::Lambda::EventInvokeConfig",
        Map.of(
            "MaximumRetryAttempts",
            2,
            "MaximumEventAgeInSeconds",
            3600,
            "DestinationConfig",
            Map.of(
                "OnFailure", Map.of("Destination", getAttOf(queue, "Arn")), "OnSuccess", absent()),
            // The qualifier is the alias's name, taken from the alias ARN: not $LATEST, not a
            // version.
            "Qualifier",
            Map.of("Fn::Select", List.of(7, Map.of("Fn::Split", List.of(":", refTo(alias)))))));
  }

  @Test
  void asyncInvokeConfig_takesRetriesAndAgeFromDeploymentSettings() {
    Template clusters = TestStacks.clusters().assertions();
    clusters.resourceCountIs("AWS::Lambda::EventInvokeConfig", 1);
    clusters.hasResourceProperties(
        "AWS::Lambda::EventInvokeConfig",
        Map.of("MaximumRetryAttempts", 0, "MaximumEventAgeInSeconds", 600));
  }
}
