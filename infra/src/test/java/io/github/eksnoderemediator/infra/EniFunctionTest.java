package io.github.eksnoderemediator.infra;

import static io.github.eksnoderemediator.infra.TestStacks.getAttOf;
import static io.github.eksnoderemediator.infra.TestStacks.idOf;
import static io.github.eksnoderemediator.infra.TestStacks.refTo;
import static io.github.eksnoderemediator.infra.TestStacks.remediatorIds;
import static org.assertj.core.api.Assertions.assertThat;
import static software.amazon.awscdk.assertions.Match.absent;
import static software.amazon.awscdk.assertions.Match.anyValue;
import static software.amazon.awscdk.assertions.Match.exact;
import static software.amazon.awscdk.assertions.Match.objectEquals;
import static software.amazon.awscdk.assertions.Match.stringLikeRegexp;

import io.github.eksnoderemediator.config.RemediatorConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awscdk.assertions.Capture;
import software.amazon.awscdk.assertions.Template;

/**
 * The ENI function, its alias, log group, asynchronous configuration, alarm and outputs; and that
 * none of it exists without profiles.
 */
class EniFunctionTest {
  static final String HANDLER = "io.github.eksnoderemediator.handler.EniHandler::handleRequest";

  /** The ENI function, as a resource pattern. */
  static final Map<String, Object> ENI_FUNCTION = Map.of("Properties", Map.of("Handler", HANDLER));

  @ParameterizedTest
  @ValueSource(strings = {"defaults", "clusters"})
  void withoutProfiles_thereIsNoEniResourceAtAll(String stack) {
    Template template = TestStacks.named(stack).assertions();

    assertThat(TestStacks.named(stack).template().get("Resources").fieldNames())
        .toIterable()
        .noneMatch(id -> id.startsWith("Eni") || id.startsWith("AlarmsEni"));
    assertThat(remediatorIds(template, "AWS::Lambda::Function")).hasSize(1);
    assertThat(remediatorIds(template, "AWS::IAM::Role")).hasSize(1);
    template.resourceCountIs("AWS::Events::Rule", 4);
    assertThat(template.findOutputs("EniFunctionName")).isEmpty();
    assertThat(template.findOutputs("EniAliasArn")).isEmpty();
    assertThat(TestStacks.named(stack).template().toString())
        .doesNotContain("EniHandler", "NetworkInterface");
  }

  @ParameterizedTest
  @ValueSource(strings = {"eni", "eniClusters"})
  void withProfiles_bothFunctionsAreDeployed_eachWithItsOwnRoleLogGroupAndAlias(String stack) {
    Template template = TestStacks.named(stack).assertions();

    assertThat(remediatorIds(template, "AWS::Lambda::Function")).hasSize(2);
    template.resourceCountIs("AWS::Lambda::Alias", 2);
    assertThat(remediatorIds(template, "AWS::Logs::LogGroup")).hasSize(2);
    assertThat(remediatorIds(template, "AWS::IAM::Role")).hasSize(2);
    template.resourcePropertiesCountIs(
        "AWS::Lambda::Function", Map.of("Handler", ImdsFunctionTest.HANDLER), 1);
    template.resourcePropertiesCountIs("AWS::Lambda::Function", Map.of("Handler", HANDLER), 1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"eni", "eniClusters"})
  void function_runsTheEniHandlerOnJava21WithSnapStart_andItsOwnRoleAndLogGroup(String stack) {
    Template template = TestStacks.named(stack).assertions();

    template.hasResourceProperties(
        "AWS::Lambda::Function",
        Map.of(
            "Handler",
            HANDLER,
            "Runtime",
            "java21",
            "SnapStart",
            Map.of("ApplyOn", "PublishedVersions"),
            "Role",
            getAttOf(idOf(template, "AWS::IAM::Role", "EniPermissions"), "Arn"),
            "LoggingConfig",
            Map.of("LogGroup", refTo(idOf(template, "AWS::Logs::LogGroup", "EniLogs")))));
  }

  @ParameterizedTest
  @ValueSource(strings = {"eni", "eniClusters"})
  void function_takesMemoryTimeoutArchitectureAndRetentionLikeTheImdsFunction(String stack) {
    Template template = TestStacks.named(stack).assertions();
    Capture memory = new Capture();
    Capture timeout = new Capture();
    Capture architectures = new Capture();
    Capture environment = new Capture();
    template.hasResourceProperties(
        "AWS::Lambda::Function",
        Map.of(
            "Handler", ImdsFunctionTest.HANDLER,
            "MemorySize", memory,
            "Timeout", timeout,
            "Architectures", architectures,
            "Environment", environment));

    template.hasResourceProperties(
        "AWS::Lambda::Function",
        Map.of(
            "Handler", HANDLER,
            "MemorySize", memory.asNumber(),
            "Timeout", timeout.asNumber(),
            "Architectures", exact(architectures.asArray()),
            "Environment", exact(environment.asObject())));
    Object imdsRetention =
        ((Map<?, ?>)
                template
                    .findResources("AWS::Logs::LogGroup")
                    .get(idOf(template, "AWS::Logs::LogGroup", "ImdsLogs"))
                    .get("Properties"))
            .get("RetentionInDays");
    assertThat(imdsRetention).isNotNull();
    template.templateMatches(
        TestStacks.resourceLike(
            idOf(template, "AWS::Logs::LogGroup", "EniLogs"),
            "AWS::Logs::LogGroup",
            Map.of("RetentionInDays", imdsRetention)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"eni", "eniClusters"})
  void environment_carriesTheConfigurationWithItsProfiles(String stack) throws Exception {
    String source =
        "eni".equals(stack) ? TestStacks.ENI_REMEDIATOR : TestStacks.ENI_CLUSTERS_REMEDIATOR;
    Capture config = new Capture();
    TestStacks.named(stack)
        .assertions()
        .hasResourceProperties(
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

    assertThat(TestStacks.JSON.readTree(config.asString()))
        .isEqualTo(TestStacks.JSON.readTree(source));
    RemediatorConfig parsed = RemediatorConfig.parse(config.asString(), "test");
    assertThat(parsed).isEqualTo(RemediatorConfig.parse(source, "test"));
    assertThat(parsed.eni().profiles()).hasSize(2);
  }

  @ParameterizedTest
  @ValueSource(strings = {"eni", "eniClusters"})
  void alias_live_pointsAtThePublishedCurrentVersionOfTheEniFunction(String stack) {
    Template template = TestStacks.named(stack).assertions();
    String function = template.getResourceId("AWS::Lambda::Function", ENI_FUNCTION);
    String version = idOf(template, "AWS::Lambda::Version", "EniFunctionCurrentVersion");

    template.hasResourceProperties(
        "AWS::Lambda::Alias",
        Map.of(
            "Name", "live",
            "FunctionName", refTo(function),
            "FunctionVersion", getAttOf(version, "Version")));
    template.templateMatches(
        TestStacks.resourceLike(
            version, "AWS::Lambda::Version", Map.of("FunctionName", refTo(function))));
  }

  @ParameterizedTest
  @ValueSource(strings = {"eni", "eniClusters"})
  void asyncInvokeConfig_onTheEniAlias_retriesThenSendsFailuresToTheSameQueue(String stack) {
    Template template = TestStacks.named(stack).assertions();
    String alias = idOf(template, "AWS::Lambda::Alias", "EniLive");
    String queue = idOf(template, "AWS::SQS::Queue", "FailuresQueue");
    Capture retries = new Capture();
    Capture age = new Capture();
    template.hasResourceProperties(
        "AWS::Lambda::EventInvokeConfig",
        Map.of(
            "FunctionName",
            refTo(template.getResourceId("AWS::Lambda::Function", ImdsFunctionTest.IMDS_FUNCTION)),
            "MaximumRetryAttempts",
            retries,
            "MaximumEventAgeInSeconds",
            age));

    template.hasResourceProperties(
        "AWS::Lambda::EventInvokeConfig",
        Map.of(
            "FunctionName",
            refTo(template.getResourceId("AWS::Lambda::Function", ENI_FUNCTION)),
            "MaximumRetryAttempts",
            retries.asNumber(),
            "MaximumEventAgeInSeconds",
            age.asNumber(),
            "DestinationConfig",
            Map.of(
                "OnFailure", Map.of("Destination", getAttOf(queue, "Arn")), "OnSuccess", absent()),
            "Qualifier",
            Map.of("Fn::Select", List.of(7, Map.of("Fn::Split", List.of(":", refTo(alias)))))));
  }

  @ParameterizedTest
  @ValueSource(strings = {"eni", "eniClusters"})
  void errorsAlarm_watchesTheEniAlias(String stack) {
    Template template = TestStacks.named(stack).assertions();
    String function = template.getResourceId("AWS::Lambda::Function", ENI_FUNCTION);

    // Two function errors, two dead-letter queues, failure queue, failed remediations, drift,
    // deferred nodes, loosened nodes, touched interfaces.
    template.resourceCountIs("AWS::CloudWatch::Alarm", 10);
    template.hasResourceProperties(
        "AWS::CloudWatch::Alarm", Map.of("MetricName", "InterfacesTouched", "Statistic", "Sum"));
    template.hasResourceProperties(
        "AWS::CloudWatch::Alarm",
        Map.of(
            "MetricName",
            "Errors",
            "Statistic",
            "Sum",
            "Period",
            300,
            "Threshold",
            1,
            "TreatMissingData",
            "notBreaching",
            "AlarmDescription",
            stringLikeRegexp("the ENI function failed"),
            "Dimensions",
            List.of(
                Map.of("Name", "FunctionName", "Value", refTo(function)),
                Map.of(
                    "Name",
                    "Resource",
                    "Value",
                    Map.of("Fn::Join", List.of("", List.of(refTo(function), ":live")))))));
  }

  @ParameterizedTest
  @ValueSource(strings = {"eni", "eniClusters"})
  void outputs_nameTheEniFunctionAndItsAlias(String stack) {
    Template template = TestStacks.named(stack).assertions();

    template.hasOutput(
        "EniFunctionName",
        Map.of("Value", refTo(template.getResourceId("AWS::Lambda::Function", ENI_FUNCTION))));
    template.hasOutput(
        "EniAliasArn", Map.of("Value", refTo(idOf(template, "AWS::Lambda::Alias", "EniLive"))));
    template.hasOutput("ImdsAliasArn", anyValue());
    template.hasOutput("FailureQueueUrl", anyValue());
  }
}
