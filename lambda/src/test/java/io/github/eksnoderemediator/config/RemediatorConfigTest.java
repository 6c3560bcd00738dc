package io.github.eksnoderemediator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RemediatorConfigTest {

  private static RemediatorConfig parse(String json) {
    return RemediatorConfig.parse(json, "test");
  }

  @Test
  void fromEnvironment_usesDefaults_whenUnsetOrBlank() {
    assertThat(RemediatorConfig.fromEnvironment(Map.of())).isEqualTo(RemediatorConfig.DEFAULT);
    assertThat(RemediatorConfig.fromEnvironment(Map.of("REMEDIATOR_CONFIG", "  ")))
        .isEqualTo(RemediatorConfig.DEFAULT);
    assertThat(RemediatorConfig.DEFAULT.imds().hopLimit()).isEqualTo(new HopLimitBand(1, 2));
    assertThat(RemediatorConfig.DEFAULT.clusterInScope("any")).isTrue();
  }

  @Test
  void parse_readsEveryField() {
    RemediatorConfig c =
        parse(
            """
            {"clusters": ["prod", "staging"],
             "optOutTagKey": "team/skip-imds",
             "imds": {"hopLimit": {"min": 1, "max": 2}, "httpEndpoint": "enabled",
                      "overrides": [{"cluster": "prod", "nodePool": "batch", "hopLimit": 1}]},
             "waits": {"notFoundSeconds": 3, "tagSettleSeconds": 0, "appliedSeconds": 4, "firstBackoffMillis": 50}}
            """);
    assertThat(c.clusters()).containsExactlyInAnyOrder("prod", "staging");
    assertThat(c.clusterInScope("prod")).isTrue();
    assertThat(c.clusterInScope("dev")).isFalse();
    assertThat(c.optOutTagKey()).isEqualTo("team/skip-imds");
    assertThat(c.imds().hopLimit()).isEqualTo(new HopLimitBand(1, 2));
    assertThat(c.imds().httpEndpoint()).isEqualTo(HttpEndpointSetting.ENABLED);
    assertThat(c.imds().overrides())
        .containsExactly(
            new HopLimitOverride("prod", Optional.empty(), Optional.of("batch"), 1, 1));
    assertThat(c.waits())
        .isEqualTo(
            new Waits(
                Duration.ofSeconds(3),
                Duration.ZERO,
                Duration.ofSeconds(4),
                Duration.ofMillis(50)));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          {"imds": {"hopLimit": 70}}                                  | test imds.hopLimit: must be an integer from 1 to 64, got 70
          {"imds": {"hopLimit": {"min": 3, "max": 2}}}                | test imds.hopLimit: min 3 is greater than max 2
          {"imds": {"hopLimit": {}}}                                  | test imds.hopLimit: must give min, max or both
          {"imds": {"hoplimit": 2}}                                   | test imds.hoplimit: unknown field (expected one of hopLimit, httpEndpoint, imdsV1Check, imdsV1Usage, overrides)
          {"clusters": "prod"}                                        | test clusters: must be a JSON array, got the string "prod"
          {"clusters": ["prod cluster"]}                              | test clusters[0]: must be an EKS cluster name, got the string "prod cluster"
          {"optOutTagKey": "aws:reserved"}                            | test optOutTagKey: must be a tag key (1-128 characters, not starting with aws:), got "aws:reserved"
          {"imds": {"httpEndpoint": "on"}}                            | test imds.httpEndpoint: must be unchanged, enabled or disabled, got "on"
          {"imds": {"overrides": [{"hopLimit": 1}]}}                  | test imds.overrides[0].cluster: is required
          {"imds": {"overrides": [{"cluster": "prod"}]}}              | test imds.overrides[0].hopLimit: is required (or give imdsV1Usage)
          {"imds": {"imdsV1Usage": "skip"}}                           | test imds.imdsV1Usage: must be enforce or defer, got "skip"
          {"imds": {"overrides": [{"cluster": "p", "imdsV1Usage": "Defer"}]}} | test imds.overrides[0].imdsV1Usage: must be enforce or defer, got "Defer"
          {"imds": {"imdsV1Check": {"lookbackHours": 0}}}             | test imds.imdsV1Check.lookbackHours: must be an integer from 1 to 1512, got 0
          {"imds": {"imdsV1Check": {"lookback": 24}}}                 | test imds.imdsV1Check.lookback: unknown field (expected one of lookbackHours, minNodeAgeMinutes)
          {"clusters": ["prod"], "imds": {"overrides": [{"cluster": "dev", "hopLimit": 1}]}} | test imds.overrides[0].cluster: "dev" is not one of the clusters in scope [prod]
          {"imds": {"overrides": [{"cluster": "p", "nodeGroup": "a", "nodePool": "b", "hopLimit": 1}]}} | test imds.overrides[0]: names both a nodeGroup and a nodePool; use one override for each
          {"imds": {"overrides": [{"cluster": "p", "hopLimit": 1}, {"cluster": "p", "hopLimit": 2}]}} | test imds.overrides[1]: repeats an earlier override for the same cluster, node group or node pool
          {"waits": {"notFoundSeconds": -1}}                          | test waits.notFoundSeconds: must be an integer from 0 to 600, got -1
          {"eni": {"waits": {"reconcileSeconds": 601}}}               | test eni.waits.reconcileSeconds: must be an integer from 0 to 600, got 601
          {"eni": {"waits": {"detachSeconds": "10"}}}                 | test eni.waits.detachSeconds: must be an integer from 0 to 600, got the string "10"
          {"eni": {"waits": {"notFoundSeconds": 5}}}                  | test eni.waits.notFoundSeconds: unknown field (expected one of detachSeconds, reconcileSeconds)
          {"queue": {"maxConcurrency": 1}}                            | test queue.maxConcurrency: must be an integer from 2 to 1000, got 1
          {"queue": {"batchSize": 20000}}                             | test queue.batchSize: must be an integer from 1 to 10000, got 20000
          {"queue": {"batchSize": 11, "batchWindowSeconds": 0}}       | test queue.batchWindowSeconds: must be at least 1 when batchSize is above 10 (Lambda's rule for SQS batches)
          {"queue": {"accountWritesPerSecond": 0}}                    | test queue.accountWritesPerSecond: must be a number from 0.1 to 1000 (EC2's default refill for ModifyInstanceMetadataOptions is 5 per second), got 0
          {"queue": {"batchsize": 10}}                                | test queue.batchsize: unknown field (expected one of accountWriteBurst, accountWritesPerSecond, batchSize, batchWindowSeconds, maxConcurrency)
          {"securityHub": {"updateFindings": "yes"}}                  | test securityHub.updateFindings: must be true or false, got the string "yes"
          {"securityHub": {"severity": "LOW"}}                        | test securityHub.severity: unknown field (expected one of allowInAdministratorAccount, updateFindings)
          [1, 2]                                                      | test: must be a JSON object, got an array
          {"clusters": [                                              | test is not valid JSON at line 1, column 15: Unexpected end-of-input: expected close marker for Array
          """)
  void parse_rejectsWithOneLineNamingTheField(String json, String message) {
    assertThatThrownBy(() -> parse(json))
        .isInstanceOf(ConfigException.class)
        .hasMessage(message)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void securityHub_updatesFindingsByDefault_andCanBeTurnedOff() {
    assertThat(RemediatorConfig.DEFAULT.securityHub().updateFindings()).isTrue();
    assertThat(parse("{}").securityHub()).isEqualTo(SecurityHubConfig.DEFAULT);
    assertThat(parse("{\"securityHub\": {}}").securityHub().updateFindings()).isTrue();
    assertThat(
            parse("{\"securityHub\": {\"updateFindings\": false}}").securityHub().updateFindings())
        .isFalse();
  }

  @Test
  void securityHub_staysOutOfAdministratorAccountsByDefault_unlessAllowed() {
    assertThat(RemediatorConfig.DEFAULT.securityHub().allowInAdministratorAccount()).isFalse();
    assertThat(parse("{\"securityHub\": {}}").securityHub().allowInAdministratorAccount())
        .isFalse();
    assertThat(parse("{\"securityHub\": {\"allowInAdministratorAccount\": true}}").securityHub())
        .isEqualTo(new SecurityHubConfig(true, true));
  }

  @Test
  void queue_readsEveryField_andSharesTheAccountBudgetBetweenTheWorkers() {
    QueueConfig queue =
        parse(
                """
                {"queue": {"batchSize": 10, "batchWindowSeconds": 0, "maxConcurrency": 4,
                           "accountWritesPerSecond": 10, "accountWriteBurst": 200}}
                """)
            .queue();

    assertThat(queue).isEqualTo(new QueueConfig(10, java.time.Duration.ZERO, 4, 10, 200));
    assertThat(queue.writesPerSecondShare()).isEqualTo(2.5);
    assertThat(queue.burstShare()).isEqualTo(49.5);
  }

  @Test
  void queue_defaultsShareEc2sDefaultBucketBetweenTwoWorkers() {
    QueueConfig queue = RemediatorConfig.DEFAULT.queue();

    assertThat(queue.batchSize()).isEqualTo(100);
    assertThat(queue.batchWindow()).hasSeconds(1);
    assertThat(queue.maxConcurrency()).isEqualTo(2);
    assertThat(queue.writesPerSecondShare()).isEqualTo(2.5);
    assertThat(queue.burstShare()).isEqualTo(49.5);
  }

  @Test
  void parse_acceptsAnEmptyObjectAsTheDefaults() {
    assertThat(parse("{}")).isEqualTo(RemediatorConfig.DEFAULT);
  }

  @Test
  void bandFor_prefersNodePoolOverClusterOverDefault() {
    ImdsConfig imds =
        parse(
                """
                {"imds": {"overrides": [
                  {"cluster": "prod", "hopLimit": {"min": 1, "max": 2}},
                  {"cluster": "prod", "nodePool": "untrusted", "hopLimit": {"max": 1}},
                  {"cluster": "prod", "nodeGroup": "ingress", "hopLimit": {"min": 2}}]}}
                """)
            .imds();
    assertThat(imds.bandFor("dev", Optional.empty(), Optional.empty()))
        .isEqualTo(new ImdsConfig.ResolvedBand(new HopLimitBand(1, 2), "default"));
    assertThat(imds.bandFor("prod", Optional.of("other"), Optional.empty()))
        .isEqualTo(new ImdsConfig.ResolvedBand(new HopLimitBand(1, 2), "cluster prod"));
    assertThat(imds.bandFor("prod", Optional.empty(), Optional.of("untrusted")))
        .isEqualTo(new ImdsConfig.ResolvedBand(new HopLimitBand(1, 1), "nodePool prod/untrusted"));
    assertThat(imds.bandFor("prod", Optional.of("ingress"), Optional.empty()))
        .isEqualTo(new ImdsConfig.ResolvedBand(new HopLimitBand(2, 2), "nodeGroup prod/ingress"));
  }

  @Test
  void parse_readsTheImdsV1ModeAndCheck_withDefaultsEnforce24HoursAnd60Minutes() {
    ImdsConfig imds =
        parse(
                """
                {"imds": {"imdsV1Usage": "defer",
                          "imdsV1Check": {"lookbackHours": 48, "minNodeAgeMinutes": 10},
                          "overrides": [{"cluster": "prod", "nodeGroup": "new", "imdsV1Usage": "enforce"}]}}
                """)
            .imds();
    assertThat(imds.imdsV1Usage()).isEqualTo(ImdsV1Mode.DEFER);
    assertThat(imds.imdsV1Check())
        .isEqualTo(new ImdsV1Check(Duration.ofHours(48), Duration.ofMinutes(10)));
    assertThat(imds.overrides())
        .containsExactly(
            new HopLimitOverride(
                "prod",
                Optional.of("new"),
                Optional.empty(),
                null,
                null,
                Optional.of(ImdsV1Mode.ENFORCE)));
    assertThat(RemediatorConfig.DEFAULT.imds().imdsV1Usage()).isEqualTo(ImdsV1Mode.ENFORCE);
    assertThat(RemediatorConfig.DEFAULT.imds().imdsV1Check())
        .isEqualTo(new ImdsV1Check(Duration.ofHours(24), Duration.ofMinutes(60)));
  }

  @Test
  void modeFor_usesTheBandsPrecedence_andAnOverrideWithoutAModeInheritsIt() {
    ImdsConfig imds =
        parse(
                """
                {"imds": {"overrides": [
                  {"cluster": "prod", "imdsV1Usage": "defer"},
                  {"cluster": "prod", "nodeGroup": "fixed", "imdsV1Usage": "enforce"},
                  {"cluster": "prod", "nodePool": "untrusted", "hopLimit": 1}]}}
                """)
            .imds();
    assertThat(imds.modeFor("dev", Optional.empty(), Optional.empty()))
        .isEqualTo(new ImdsConfig.ResolvedMode(ImdsV1Mode.ENFORCE, "default"));
    assertThat(imds.modeFor("prod", Optional.of("other"), Optional.empty()))
        .isEqualTo(new ImdsConfig.ResolvedMode(ImdsV1Mode.DEFER, "cluster prod"));
    assertThat(imds.modeFor("prod", Optional.of("fixed"), Optional.empty()))
        .isEqualTo(new ImdsConfig.ResolvedMode(ImdsV1Mode.ENFORCE, "nodeGroup prod/fixed"));
    assertThat(imds.modeFor("prod", Optional.empty(), Optional.of("untrusted")))
        .isEqualTo(new ImdsConfig.ResolvedMode(ImdsV1Mode.DEFER, "cluster prod"));
    // A mode-only override leaves the band, and its source, alone.
    assertThat(imds.bandFor("prod", Optional.of("fixed"), Optional.empty()))
        .isEqualTo(new ImdsConfig.ResolvedBand(new HopLimitBand(1, 2), "default"));
    assertThat(imds.bandFor("prod", Optional.empty(), Optional.of("untrusted")))
        .isEqualTo(new ImdsConfig.ResolvedBand(new HopLimitBand(1, 1), "nodePool prod/untrusted"));
  }

  @Test
  void bandFor_aMaxBelowTheInheritedMinMovesTheMin() {
    ImdsConfig imds =
        parse(
                "{\"imds\": {\"overrides\": [{\"cluster\": \"prod\", \"nodePool\": \"p\", \"hopLimit\": {\"max\": 1}}]}}")
            .imds();
    assertThat(imds.bandFor("prod", Optional.empty(), Optional.of("p")).band())
        .isEqualTo(new HopLimitBand(1, 1));
  }

  @Test
  void bandFor_overTheDefault_minRaisesAndMaxLowers() {
    ImdsConfig imds =
        parse(
                """
                {"imds": {"overrides": [
                  {"cluster": "prod", "nodePool": "reads-imds", "hopLimit": {"min": 2}},
                  {"cluster": "prod", "nodePool": "cilium", "hopLimit": {"min": 3}},
                  {"cluster": "prod", "nodePool": "untrusted", "hopLimit": {"max": 1}},
                  {"cluster": "ci", "hopLimit": {"min": 3}},
                  {"cluster": "ci", "nodeGroup": "dind", "hopLimit": {"max": 4}}]}}
                """)
            .imds();
    assertThat(imds.bandFor("prod", Optional.empty(), Optional.of("reads-imds")))
        .isEqualTo(new ImdsConfig.ResolvedBand(new HopLimitBand(2, 2), "nodePool prod/reads-imds"));
    assertThat(imds.bandFor("prod", Optional.empty(), Optional.of("cilium")))
        .isEqualTo(new ImdsConfig.ResolvedBand(new HopLimitBand(3, 3), "nodePool prod/cilium"));
    assertThat(imds.bandFor("prod", Optional.empty(), Optional.of("untrusted")))
        .isEqualTo(new ImdsConfig.ResolvedBand(new HopLimitBand(1, 1), "nodePool prod/untrusted"));
    assertThat(imds.bandFor("prod", Optional.empty(), Optional.of("other")))
        .isEqualTo(new ImdsConfig.ResolvedBand(new HopLimitBand(1, 2), "default"));
    // A node group's max on top of its cluster's min: [3, 3] widened up to 4.
    assertThat(imds.bandFor("ci", Optional.of("dind"), Optional.empty()))
        .isEqualTo(new ImdsConfig.ResolvedBand(new HopLimitBand(3, 4), "nodeGroup ci/dind"));
    assertThat(imds.envelope()).isEqualTo(new HopLimitBand(1, 4));
  }

  @Test
  void parse_topLevelBand_leavesOutBoundsAsTheDefaults() {
    assertThat(parse("{\"imds\": {\"hopLimit\": {\"max\": 3}}}").imds().hopLimit())
        .isEqualTo(new HopLimitBand(1, 3));
    assertThat(parse("{\"imds\": {\"hopLimit\": {\"min\": 2}}}").imds().hopLimit())
        .isEqualTo(new HopLimitBand(2, 2));
    assertThat(parse("{\"imds\": {\"hopLimit\": 2}}").imds().hopLimit())
        .isEqualTo(new HopLimitBand(2, 2));
  }

  @Test
  void envelope_spansEveryBandANodeCanGet() {
    assertThat(RemediatorConfig.DEFAULT.imds().envelope()).isEqualTo(new HopLimitBand(1, 2));
    ImdsConfig imds =
        parse(
                "{\"imds\": {\"overrides\": [{\"cluster\": \"prod\", \"nodePool\": \"p\", \"hopLimit\": 1},"
                    + "{\"cluster\": \"dev\", \"hopLimit\": {\"min\": 2, \"max\": 3}}]}}")
            .imds();
    assertThat(imds.envelope()).isEqualTo(new HopLimitBand(1, 3));
  }

  @Test
  void parse_deduplicatesClusters() {
    assertThat(parse("{\"clusters\": [\"a\", \"a\", \"b\"]}").clusters())
        .isEqualTo(Set.of("a", "b"));
  }
}
