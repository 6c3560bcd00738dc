package io.github.eksnoderemediator.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.eksnoderemediator.config.ConfigException;
import io.github.eksnoderemediator.config.HttpEndpointSetting;
import io.github.eksnoderemediator.config.ImdsV1Mode;
import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.infra.EksNodeRemediatorProps.EniProfileSpec;
import io.github.eksnoderemediator.infra.EksNodeRemediatorProps.ImdsOverride;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The construct's typed props against cdk.json's context: the same options give the same validated
 * records, and the same mistakes the same one-line errors. No CDK synth: props are plain Java.
 */
class EksNodeRemediatorPropsTest {

  private static EksNodeRemediatorProps.Builder withCode() {
    return EksNodeRemediatorProps.builder().code(TestStacks.stubCode());
  }

  @Test
  void noOptions_areCdkJsonsDefaults() {
    AppSettings settings = withCode().build().settings();

    assertThat(settings.remediatorJson()).isEqualTo("{}");
    assertThat(settings.remediator()).isEqualTo(RemediatorConfig.DEFAULT);
    assertThat(settings.deployment()).isEqualTo(DeploymentSettings.DEFAULT);
  }

  @Test
  void everyTypedOption_buildsTheRecordsCdkJsonWithTheSameFieldsBuilds() {
    EksNodeRemediatorProps props =
        withCode()
            .clusters("prod", "staging")
            .optOutTagKey("team/skip")
            .hopLimit(1, 2)
            .httpEndpoint(HttpEndpointSetting.ENABLED)
            .imdsV1Usage(ImdsV1Mode.DEFER)
            .imdsV1CheckLookbackHours(48)
            .imdsV1CheckMinNodeAgeMinutes(30)
            .imdsOverride(ImdsOverride.forCluster("prod").nodePool("batch").hopLimit(1))
            .imdsOverride(ImdsOverride.forCluster("prod").nodeGroup("ingress").hopLimitMax(1))
            .imdsOverride(
                ImdsOverride.forCluster("staging")
                    .nodeGroup("legacy")
                    .hopLimitMin(1)
                    .imdsV1Usage(ImdsV1Mode.ENFORCE))
            .sweepRateMinutes(5)
            .sweepWritesPerSecond(1.5)
            .sweepBurst(20)
            .queueBatchSize(500)
            .queueBatchWindowSeconds(3)
            .queueMaxConcurrency(4)
            .queueAccountWritesPerSecond(10)
            .queueAccountWriteBurst(200)
            .waitsNotFoundSeconds(20)
            .waitsTagSettleSeconds(5)
            .waitsAppliedSeconds(15)
            .waitsFirstBackoffMillis(250)
            .securityHubUpdateFindings(false)
            .securityHubAllowInAdministratorAccount(true)
            .eniProfile(
                EniProfileSpec.named("multus-data")
                    .cluster("prod")
                    .nodeGroup("cnf")
                    .matchTags(Map.of("role", "cnf"))
                    .subnetTags(Map.of("multus", "data"))
                    .securityGroupNames(List.of("multus-data"))
                    .deviceIndex(1)
                    .networkCardIndex(0)
                    .deleteOnTermination(false)
                    .description("Multus data")
                    .tags(Map.of("team", "net"))
                    .secondaryPrivateIpCount(2)
                    .sourceDestCheck(false))
            .eniProfile(
                EniProfileSpec.named("multus-oam")
                    .cluster("staging")
                    .nodePool("oam")
                    .subnetIds(List.of("subnet-0a1a1a1a1a1a1a1a1"))
                    .securityGroupIds(List.of("sg-0a1b2c3d4e5f6a7b8"))
                    .deviceIndex(2))
            .eniSweepRateMinutes(10)
            .eniSweepGraceMinutes(20)
            .eniWaitsReconcileSeconds(30)
            .eniWaitsDetachSeconds(40)
            .logRetentionDays(7)
            .memorySize(512)
            .timeoutSeconds(60)
            .retryAttempts(0)
            .maximumEventAgeSeconds(600)
            .architecture(DeploymentSettings.Architecture.X86_64)
            .alarmEmail("oncall@example.com")
            .checkPermissionsOnDeploy(false)
            .withoutReservedConcurrency()
            .build();
    AppSettings fromCdkJson =
        AppSettings.fromContext(
            """
            {"clusters": ["prod", "staging"], "optOutTagKey": "team/skip",
             "imds": {"hopLimit": {"min": 1, "max": 2}, "httpEndpoint": "enabled",
                      "imdsV1Usage": "defer",
                      "imdsV1Check": {"lookbackHours": 48, "minNodeAgeMinutes": 30},
                      "overrides": [
                        {"cluster": "prod", "nodePool": "batch", "hopLimit": 1},
                        {"cluster": "prod", "nodeGroup": "ingress", "hopLimit": {"max": 1}},
                        {"cluster": "staging", "nodeGroup": "legacy", "hopLimit": {"min": 1},
                         "imdsV1Usage": "enforce"}]},
             "sweep": {"rateMinutes": 5, "writesPerSecond": 1.5, "burst": 20},
             "queue": {"batchSize": 500, "batchWindowSeconds": 3, "maxConcurrency": 4,
                       "accountWritesPerSecond": 10, "accountWriteBurst": 200},
             "waits": {"notFoundSeconds": 20, "tagSettleSeconds": 5, "appliedSeconds": 15,
                       "firstBackoffMillis": 250},
             "securityHub": {"updateFindings": false, "allowInAdministratorAccount": true},
             "eni": {"profiles": [
               {"name": "multus-data", "cluster": "prod", "nodeGroup": "cnf",
                "matchTags": {"role": "cnf"}, "subnets": {"tags": {"multus": "data"}},
                "securityGroups": {"names": ["multus-data"]}, "deviceIndex": 1,
                "networkCardIndex": 0, "deleteOnTermination": false, "description": "Multus data",
                "tags": {"team": "net"}, "secondaryPrivateIpCount": 2, "sourceDestCheck": false},
               {"name": "multus-oam", "cluster": "staging", "nodePool": "oam",
                "subnets": {"ids": ["subnet-0a1a1a1a1a1a1a1a1"]},
                "securityGroups": {"ids": ["sg-0a1b2c3d4e5f6a7b8"]}, "deviceIndex": 2}],
              "sweep": {"rateMinutes": 10, "graceMinutes": 20},
              "waits": {"reconcileSeconds": 30, "detachSeconds": 40}}}
            """,
            TestStacks.CLUSTERS_DEPLOYMENT);

    assertThat(props.settings().remediator()).isEqualTo(fromCdkJson.remediator());
    assertThat(props.settings().deployment()).isEqualTo(fromCdkJson.deployment());
    // What the function receives parses back to the same configuration.
    assertThat(RemediatorConfig.parse(props.settings().remediatorJson(), "env"))
        .isEqualTo(fromCdkJson.remediator());
    assertThat(props.settings().remediator()).isNotEqualTo(RemediatorConfig.DEFAULT);
  }

  static Stream<Arguments> mistakes() {
    return Stream.of(
        mistake(b -> b.hopLimit(70), "{\"imds\": {\"hopLimit\": 70}}", null, "imds.hopLimit"),
        mistake(
            b -> b.hopLimit(3, 2),
            "{\"imds\": {\"hopLimit\": {\"min\": 3, \"max\": 2}}}",
            null,
            "imds.hopLimit"),
        mistake(
            b -> b.clusters("Not a name!"),
            "{\"clusters\": [\"Not a name!\"]}",
            null,
            "clusters[0]"),
        mistake(
            b -> b.optOutTagKey("aws:x"), "{\"optOutTagKey\": \"aws:x\"}", null, "optOutTagKey"),
        mistake(
            b -> b.clusters("prod").imdsOverride(ImdsOverride.forCluster("staging").hopLimit(1)),
            "{\"clusters\": [\"prod\"], \"imds\": {\"overrides\": [{\"cluster\": \"staging\","
                + " \"hopLimit\": 1}]}}",
            null,
            "imds.overrides[0].cluster"),
        mistake(
            b -> b.imdsOverride(ImdsOverride.forCluster("prod")),
            "{\"imds\": {\"overrides\": [{\"cluster\": \"prod\"}]}}",
            null,
            "imds.overrides[0].hopLimit"),
        mistake(
            b -> b.sweepRateMinutes(0),
            "{\"sweep\": {\"rateMinutes\": 0}}",
            null,
            "sweep.rateMinutes"),
        mistake(
            b -> b.queueBatchSize(100).queueBatchWindowSeconds(0),
            "{\"queue\": {\"batchSize\": 100, \"batchWindowSeconds\": 0}}",
            null,
            "queue.batchWindowSeconds"),
        mistake(
            b -> b.eniProfile(EniProfileSpec.named("data").cluster("prod").deviceIndex(1)),
            "{\"eni\": {\"profiles\": [{\"name\": \"data\", \"cluster\": \"prod\","
                + " \"deviceIndex\": 1}]}}",
            null,
            "eni.profiles[0].subnets"),
        mistake(b -> b.memorySize(64), null, "{\"memorySize\": 64}", "memorySize"),
        mistake(
            b -> b.centralEventBusArn("my-bus"),
            null,
            "{\"centralEventBusArn\": \"my-bus\"}",
            "centralEventBusArn"),
        mistake(
            b -> b.logRetentionDays(31), null, "{\"logRetentionDays\": 31}", "logRetentionDays"),
        mistake(b -> b.alarmEmail("oncall"), null, "{\"alarmEmail\": \"oncall\"}", "alarmEmail"),
        mistake(
            b -> b.reservedConcurrency(2),
            null,
            "{\"reservedConcurrency\": 2}",
            "reservedConcurrency"),
        mistake(
            b -> b.queueMaxConcurrency(6).reservedConcurrency(6),
            "{\"queue\": {\"maxConcurrency\": 6}}",
            "{\"reservedConcurrency\": 6}",
            "reservedConcurrency"),
        mistake(b -> b.remediator(Map.of("hoplimit", 2)), "{\"hoplimit\": 2}", null, "hoplimit"));
  }

  private static Arguments mistake(
      UnaryOperator<EksNodeRemediatorProps.Builder> options,
      String remediator,
      String deployment,
      String named) {
    return Arguments.of(options, remediator, deployment, named);
  }

  @ParameterizedTest
  @MethodSource("mistakes")
  void aMistake_failsOnOneLine_withCdkJsonsMessage_namingTheProps(
      UnaryOperator<EksNodeRemediatorProps.Builder> options,
      String remediator,
      String deployment,
      String named) {
    String cdkJsonMessage =
        catchMessage(() -> AppSettings.fromContext(remediator, deployment))
            .replace(
                deployment == null ? AppSettings.REMEDIATOR_WHERE : AppSettings.DEPLOYMENT_WHERE,
                EksNodeRemediatorProps.WHERE);

    String propsMessage = catchMessage(() -> options.apply(withCode()).build());

    assertThat(propsMessage)
        .isEqualTo(cdkJsonMessage)
        .startsWith(EksNodeRemediatorProps.WHERE + " ")
        .contains(named)
        .doesNotContain("\n");
  }

  @Test
  void centralEventBusArn_isCdkJsonsSetting() {
    String arn = "arn:aws:events:eu-west-1:111122223333:event-bus/eks-node-remediator-decisions";
    assertThat(withCode().centralEventBusArn(arn).build().settings().deployment())
        .isEqualTo(
            AppSettings.fromContext(null, "{\"centralEventBusArn\": \"" + arn + "\"}")
                .deployment());
  }

  @Test
  void rawRemediatorObject_fromCdkJson_thenTypedOptionsOnTop() {
    AppSettings settings =
        withCode()
            .remediator(TestStacks.cdkJsonContext().get(AppSettings.REMEDIATOR_KEY))
            .deployment("{\"memorySize\": 2048}")
            .clusters("prod")
            .hopLimit(1)
            .build()
            .settings();

    assertThat(settings.remediator().clusters()).containsExactly("prod");
    assertThat(settings.remediator().imds().hopLimit().min()).isEqualTo(1);
    assertThat(settings.remediator().imds().hopLimit().max()).isEqualTo(1);
    assertThat(settings.remediator().sweep())
        .as("cdk.json's sweep kept")
        .isEqualTo(RemediatorConfig.DEFAULT.sweep());
    assertThat(settings.deployment().memorySize()).isEqualTo(2048);
  }

  @Test
  void rawObjectThatIsNotAnObject_failsOnOneLine() {
    assertThatThrownBy(() -> withCode().remediator("[1, 2]"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("EksNodeRemediatorProps remediator: must be an object, got array");
    assertThatThrownBy(() -> withCode().deployment("{\"memorySize\": "))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("EksNodeRemediatorProps remediator-deployment: is not valid JSON")
        .hasMessageNotContaining("\n");
  }

  @Test
  void withoutCode_failsOnOneLineSayingHowToGetIt() {
    assertThatThrownBy(() -> EksNodeRemediatorProps.builder().build())
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("EksNodeRemediatorProps code: is required")
        .hasMessageContaining("codeFromJar");
  }

  @Test
  void codeFromJar_aMissingFile_failsOnOneLineNamingIt() {
    Path missing = Path.of("no-such-dir/remediator.jar");

    assertThatThrownBy(() -> EksNodeRemediator.codeFromJar(missing))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "EksNodeRemediator function jar: no-such-dir/remediator.jar not found; build it with"
                + " ./dev build (lambda/target/remediator.jar)");
  }

  @Test
  void tooLargeForTheEnvironmentVariable_failsAsCdkJsonDoes() {
    List<String> clusters =
        java.util.stream.IntStream.range(0, 300).mapToObj(i -> "cluster-" + i).toList();

    assertThatThrownBy(() -> withCode().clusters(clusters).build())
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("EksNodeRemediatorProps: is ")
        .hasMessageContaining("Lambda allows 4 KB");
  }

  private static String catchMessage(Runnable r) {
    try {
      r.run();
    } catch (ConfigException e) {
      return e.getMessage();
    }
    throw new AssertionError("no ConfigException");
  }
}
