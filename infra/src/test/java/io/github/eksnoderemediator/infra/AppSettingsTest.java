package io.github.eksnoderemediator.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.eksnoderemediator.config.ConfigException;
import io.github.eksnoderemediator.config.RemediatorConfig;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Validation of cdk.json's context, called directly: no CDK, no jsii. */
class AppSettingsTest {

  @Test
  void cdkJson_writesOutExactlyTheDefaults() {
    var context = TestStacks.cdkJsonContext();

    AppSettings settings =
        AppSettings.fromContext(context.get("remediator"), context.get("remediator-deployment"));

    assertThat(settings.remediator()).isEqualTo(RemediatorConfig.DEFAULT);
    assertThat(settings.deployment()).isEqualTo(DeploymentSettings.DEFAULT);
  }

  @Test
  void absentContext_meansDefaults_andAnEmptyObjectForTheFunction() {
    AppSettings settings = AppSettings.fromContext(null, null);

    assertThat(settings.remediatorJson()).isEqualTo("{}");
    assertThat(settings.remediator()).isEqualTo(RemediatorConfig.DEFAULT);
    assertThat(settings.deployment()).isEqualTo(DeploymentSettings.DEFAULT);
  }

  @Test
  void objectContext_isPassedOnAsCompactJson() {
    Object context = TestStacks.read("{\"clusters\": [\"prod\"],\n \"imds\": {\"hopLimit\": 1}}");

    AppSettings settings = AppSettings.fromContext(context, null);

    assertThat(settings.remediatorJson())
        .isEqualTo("{\"clusters\":[\"prod\"],\"imds\":{\"hopLimit\":1}}");
    assertThat(settings.remediator().clusters()).containsExactly("prod");
  }

  @Test
  void stringContext_fromTheCommandLine_isReadAsJson() {
    AppSettings settings =
        AppSettings.fromContext("{ \"clusters\": [\"prod\"] }", "{\"architecture\": \"x86_64\"}");

    assertThat(settings.remediatorJson()).isEqualTo("{\"clusters\":[\"prod\"]}");
    assertThat(settings.deployment().architecture())
        .isEqualTo(DeploymentSettings.Architecture.X86_64);
  }

  @Test
  void hopLimit70_failsOnOneLineNamingTheField() {
    assertThatThrownBy(
            () -> AppSettings.fromContext(TestStacks.read("{\"imds\": {\"hopLimit\": 70}}"), null))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("cdk.json context \"remediator\" imds.hopLimit: ")
        .hasMessageContaining("70")
        .hasMessageNotContaining("\n");
  }

  @Test
  void unknownRemediatorField_failsOnOneLineNamingIt() {
    assertThatThrownBy(
            () -> AppSettings.fromContext(TestStacks.read("{\"cluster\": [\"prod\"]}"), null))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("cdk.json context \"remediator\" cluster: unknown field")
        .hasMessageNotContaining("\n");
  }

  @Test
  void invalidJsonOnTheCommandLine_failsOnOneLine() {
    assertThatThrownBy(() -> AppSettings.fromContext("{\"clusters\": [", null))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("cdk.json context \"remediator\"")
        .hasMessageContaining("not valid JSON")
        .hasMessageNotContaining("\n");
  }

  @Test
  void configurationTooBigForLambdasEnvironment_fails() {
    String overrides =
        IntStream.rangeClosed(1, 120)
            .mapToObj(
                i ->
                    "{\"cluster\": \"cluster-"
                        + i
                        + "\", \"nodeGroup\": \"general-purpose\", \"hopLimit\": 1}")
            .collect(Collectors.joining(","));
    Object context = TestStacks.read("{\"imds\": {\"overrides\": [" + overrides + "]}}");

    assertThatThrownBy(() -> AppSettings.fromContext(context, null))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("cdk.json context \"remediator\": is ")
        .hasMessageContaining("4 KB");
  }

  @Test
  void logRetention31_failsListingTheValuesCloudWatchAccepts() {
    assertThatThrownBy(
            () -> AppSettings.fromContext(null, TestStacks.read("{\"logRetentionDays\": 31}")))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "cdk.json context \"remediator-deployment\" logRetentionDays: must be one of 1, 3, 5,"
                + " 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,"
                + " 2922, 3288, 3653 (the values CloudWatch Logs accepts), got 31");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          {"memorySize": 64}                 | memorySize: must be an integer from 128 to 10240, got 64
          {"memorySize": 1024.5}             | memorySize: must be an integer from 128 to 10240, got 1024.5
          {"timeoutSeconds": 901}            | timeoutSeconds: must be an integer from 10 to 900, got 901
          {"retryAttempts": 3}               | retryAttempts: must be an integer from 0 to 2, got 3
          {"maximumEventAgeSeconds": 30}     | maximumEventAgeSeconds: must be an integer from 60 to 21600, got 30
          {"architecture": "x86"}            | architecture: must be arm64 or x86_64, got "x86"
          {"memory": 512}                    | memory: unknown field (expected one of alarmEmail, architecture, centralEventBusArn, checkPermissionsOnDeploy, logRetentionDays, maximumEventAgeSeconds, memorySize, reservedConcurrency, retryAttempts, timeoutSeconds, verify)
          {"centralEventBusArn": "arn:aws:sqs:eu-west-1:111122223333:q"} | centralEventBusArn: must be an event bus ARN (arn:aws:events:<region>:<account>:event-bus/<name>), got "arn:aws:sqs:eu-west-1:111122223333:q"
          {"centralEventBusArn": "arn:aws:events:eu-west-1:1111:event-bus/x"} | centralEventBusArn: must be an event bus ARN (arn:aws:events:<region>:<account>:event-bus/<name>), got "arn:aws:events:eu-west-1:1111:event-bus/x"
          """)
  void badDeploymentSetting_failsOnOneLineNamingTheField(String json, String message) {
    assertThatThrownBy(() -> AppSettings.fromContext(null, TestStacks.read(json)))
        .isInstanceOf(ConfigException.class)
        .hasMessage("cdk.json context \"remediator-deployment\" " + message);
  }

  @Test
  void deploymentSettingsThatAreNotAnObject_fail() {
    assertThatThrownBy(() -> AppSettings.fromContext(null, 5))
        .isInstanceOf(ConfigException.class)
        .hasMessage("cdk.json context \"remediator-deployment\": must be a JSON object, got 5");
  }

  @Test
  void deploymentSettings_builtInCode_areCheckedToo() {
    assertThatThrownBy(
            () ->
                new DeploymentSettings(
                    31,
                    1024,
                    120,
                    2,
                    3600,
                    DeploymentSettings.Architecture.ARM64,
                    java.util.Optional.empty(),
                    true,
                    java.util.Optional.empty(),
                    java.util.OptionalInt.of(5),
                    java.util.Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void reservedConcurrency_defaultsToFive_andFalseReservesNone() {
    assertThat(AppSettings.fromContext(null, null).deployment().reservedConcurrency()).hasValue(5);
    assertThat(
            AppSettings.fromContext(null, Map.of("reservedConcurrency", false))
                .deployment()
                .reservedConcurrency())
        .isEmpty();
    assertThat(
            AppSettings.fromContext(null, Map.of("reservedConcurrency", 12))
                .deployment()
                .reservedConcurrency())
        .hasValue(12);
  }

  @Test
  void reservedConcurrency_atOrBelowTheQueuesMaxConcurrency_isRefusedOnOneLine() {
    assertThatThrownBy(
            () ->
                AppSettings.fromContext(
                    Map.of("queue", Map.of("maxConcurrency", 5)), Map.of("reservedConcurrency", 5)))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("cdk.json context \"remediator-deployment\" reservedConcurrency: ")
        .hasMessageContaining("queue.maxConcurrency (5)")
        .hasMessageNotContaining("\n");
    // The default 5 is too few for a queue of 8 pollers: the setting must be raised with it.
    assertThatThrownBy(
            () -> AppSettings.fromContext(Map.of("queue", Map.of("maxConcurrency", 8)), null))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("reservedConcurrency");
    assertThat(
            AppSettings.fromContext(
                    Map.of("queue", Map.of("maxConcurrency", 8)), Map.of("reservedConcurrency", 9))
                .deployment()
                .reservedConcurrency())
        .hasValue(9);
  }

  @Test
  void reservedConcurrency_thatIsNotAnIntegerOrFalse_isRefused() {
    for (Object wrong : List.of(true, 2, 1001, "5", 4.5)) {
      assertThatThrownBy(() -> AppSettings.fromContext(null, Map.of("reservedConcurrency", wrong)))
          .as("%s", wrong)
          .isInstanceOf(ConfigException.class)
          .hasMessageStartingWith(
              "cdk.json context \"remediator-deployment\" reservedConcurrency: must be an integer"
                  + " from 3 to 1000");
    }
  }
}
