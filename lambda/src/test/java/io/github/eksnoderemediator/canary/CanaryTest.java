package io.github.eksnoderemediator.canary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.eksnoderemediator.canary.PathResult.Result;
import io.github.eksnoderemediator.config.ConfigException;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.port.MetadataDefaults;
import io.github.eksnoderemediator.port.TemplateOptions;
import io.github.eksnoderemediator.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The canary's paths against a scripted cloud: the remediator "answers" after a set number of
 * reads, on a clock that only moves when the canary sleeps.
 */
class CanaryTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T04:00:00Z"));
  private final ScriptedCloud cloud = new ScriptedCloud();

  /**
   * A cloud where the remediator hardens the instance {@code readsToHarden} reads after a change.
   */
  static final class ScriptedCloud implements CanaryCloud {
    boolean enforced;
    boolean refuseV1;
    int readsToHarden = 3;
    boolean tamperPathWorks = true;
    boolean launchPathWorks = true;
    String namedCaller = "arn:aws:iam::123456789012:user/operator";
    final List<LaunchSpec> launches = new ArrayList<>();
    final List<InstanceId> terminated = new ArrayList<>();
    final List<String> disabled = new ArrayList<>();
    final Map<String, Integer> deadLetters = new TreeMap<>();
    Optional<String> trailProblem = Optional.empty();
    private Observed current;
    private int readsLeft;
    private boolean loosened;

    @Override
    public MetadataDefaults imdsDefaults() {
      return new MetadataDefaults(
          new TemplateOptions(Optional.empty(), Optional.empty(), Optional.empty()),
          Optional.of(enforced ? "enabled" : "disabled"),
          Optional.of("account"));
    }

    @Override
    public String architectureOf(String instanceType) {
      return instanceType.startsWith("t4g") ? "arm64" : "x86_64";
    }

    @Override
    public String latestAmi(String architecture) {
      return "ami-" + architecture;
    }

    @Override
    public LaunchOutcome launch(LaunchSpec spec) {
      launches.add(spec);
      if (refuseV1 && !spec.tokensRequired()) {
        return new Refused("UnsupportedOperation", "IMDSv1 is not allowed");
      }
      current = new Observed("pending", spec.tokensRequired(), spec.hopLimit());
      readsLeft = launchPathWorks ? readsToHarden : Integer.MAX_VALUE;
      return new Launched(new InstanceId("i-0c0ffee0c0ffee001"));
    }

    @Override
    public Optional<Observed> observe(InstanceId id) {
      if (--readsLeft <= 0) {
        current = new Observed("running", true, 2);
      }
      return Optional.of(current);
    }

    @Override
    public void loosen(InstanceId id, boolean tokensRequired, int hopLimit) {
      loosened = true;
      current = new Observed("running", tokensRequired, hopLimit);
      readsLeft = tamperPathWorks ? readsToHarden : Integer.MAX_VALUE;
    }

    @Override
    public void terminate(List<InstanceId> ids) {
      terminated.addAll(ids);
    }

    @Override
    public String callerArn() {
      return "arn:aws:iam::123456789012:user/operator";
    }

    @Override
    public List<LoggedDecision> decisions(String logGroup, InstanceId id, Instant since) {
      return loosened
          ? List.of(
              new LoggedDecision(
                  "ModifyInstanceMetadataOptions via CloudTrail",
                  "changed",
                  Optional.of(namedCaller)))
          : List.of();
    }

    @Override
    public Causes causes() {
      return new Causes() {
        @Override
        public Optional<String> trailProblem() {
          return trailProblem;
        }

        @Override
        public List<String> disabledRules(String prefix) {
          return disabled;
        }

        @Override
        public Map<String, Integer> deadLetters(String prefix) {
          return deadLetters;
        }
      };
    }
  }

  private CanaryReport run(String... extra) throws InterruptedException {
    List<String> args =
        new ArrayList<>(List.of("--subnet", "subnet-0a1b2c3d", "--cluster", "prod"));
    args.addAll(List.of(extra));
    return new Canary(
            cloud, CanarySettings.parse(args), clock, clock::advance, Duration.ofSeconds(2))
        .run();
  }

  private static PathResult path(CanaryReport report, String name) {
    return report.paths().stream().filter(p -> p.path().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void run_launchesALooseNodeOfTheCanaryGroup_measuresBothPaths_andTerminatesIt() throws Exception {
    CanaryReport report = run("--log-group", "/aws/lambda/imds");

    CanaryCloud.LaunchSpec spec = cloud.launches.get(0);
    assertThat(spec.tokensRequired()).isFalse();
    assertThat(spec.hopLimit()).isEqualTo(5);
    assertThat(spec.instanceType()).isEqualTo("t4g.nano");
    assertThat(spec.ami()).isEqualTo("ami-arm64");
    assertThat(spec.tags())
        .containsEntry("eks:cluster-name", "prod")
        .containsEntry("eks:nodegroup-name", Canary.NODE_GROUP)
        .containsEntry("kubernetes.io/cluster/prod", "owned")
        .containsEntry(Canary.CANARY_TAG, "true")
        .doesNotContainKeys("karpenter.sh/nodepool", "eks:eks-cluster-name");
    assertThat(report.failed()).isFalse();
    assertThat(report.exposure()).hasValue(Duration.ofSeconds(6));
    assertThat(report.tamperResponse()).hasValue(Duration.ofSeconds(6));
    assertThat(path(report, Canary.LAUNCH).seconds()).isEqualTo("6.0");
    assertThat(path(report, Canary.CALLER).result()).isEqualTo(Result.OK);
    assertThat(path(report, Canary.CALLER).check())
        .isEqualTo("named arn:aws:iam::123456789012:user/operator");
    assertThat(cloud.terminated).containsExactly(new InstanceId("i-0c0ffee0c0ffee001"));
    assertThat(report.table())
        .startsWith("path")
        .contains("(a) launch -> hardened")
        .contains("OK")
        .contains("canary instance terminated");
  }

  @Test
  void launchNeverHardened_failsPathA_namingTheDisabledRuleAndDeadLetters_andTerminates()
      throws Exception {
    cloud.launchPathWorks = false;
    cloud.disabled.add("EksNodeRemediator-ImdsRulesStateChange-ABC");
    cloud.deadLetters.put("dead-letter queue EksNodeRemediator-LaunchDlq", 3);

    CanaryReport report = run("--timeout-seconds", "30");

    PathResult a = path(report, Canary.LAUNCH);
    assertThat(a.result()).isEqualTo(Result.FAIL);
    assertThat(a.check())
        .startsWith("still loose after 30 s (i-0c0ffee0c0ffee001)")
        .contains("rule EksNodeRemediator-ImdsRulesStateChange-ABC is DISABLED")
        .contains("EksNodeRemediator-LaunchDlq holds 3 message(s) the function failed");
    assertThat(path(report, Canary.TAMPER).result()).isEqualTo(Result.SKIP);
    assertThat(report.failed()).isTrue();
    assertThat(cloud.terminated).hasSize(1);
  }

  @Test
  void tamperNeverUndone_failsPathB_namingTheMissingTrail() throws Exception {
    cloud.tamperPathWorks = false;
    cloud.trailProblem = Optional.of("no CloudTrail trail covers eu-west-1");

    CanaryReport report = run("--tamper-timeout-seconds", "20");

    assertThat(path(report, Canary.LAUNCH).result()).isEqualTo(Result.OK);
    PathResult b = path(report, Canary.TAMPER);
    assertThat(b.result()).isEqualTo(Result.FAIL);
    assertThat(b.check())
        .contains(
            "no CloudTrail trail covers eu-west-1: the tamper and CloudTrail launch rules never"
                + " fire");
    assertThat(cloud.terminated).hasSize(1);
  }

  @Test
  void aDecisionNamingSomeoneElse_failsTheCallerPath() throws Exception {
    cloud.namedCaller = "arn:aws:iam::123456789012:user/mallory";

    CanaryReport report = run("--log-group", "/aws/lambda/imds");

    assertThat(path(report, Canary.CALLER).result()).isEqualTo(Result.FAIL);
    assertThat(path(report, Canary.CALLER).check())
        .startsWith("the decision named arn:aws:iam::123456789012:user/mallory, not you");
  }

  @Test
  void enforcedAccount_launchesWithTokensRequired_andAHopLimitAboveTheBand() throws Exception {
    cloud.enforced = true;

    CanaryReport report = run("--hop-limit", "1-6");

    assertThat(cloud.launches).hasSize(1);
    assertThat(cloud.launches.get(0).tokensRequired()).isTrue();
    assertThat(cloud.launches.get(0).hopLimit()).isEqualTo(7);
    PathResult a = path(report, Canary.LAUNCH_ENFORCED);
    assertThat(a.result()).isEqualTo(Result.OK);
    assertThat(a.check()).startsWith("the account enforces IMDSv2 at launch (managed by account)");
  }

  @Test
  void aRefusedImdsV1Launch_isRetriedWithTokensRequired_andSaysWhy() throws Exception {
    cloud.refuseV1 = true;

    CanaryReport report = run();

    assertThat(cloud.launches)
        .extracting(CanaryCloud.LaunchSpec::tokensRequired)
        .containsExactly(false, true);
    assertThat(path(report, Canary.LAUNCH_ENFORCED).check())
        .startsWith("the launch with IMDSv1 was refused (UnsupportedOperation)");
    assertThat(cloud.terminated).hasSize(1);
  }

  @Test
  void cleanUp_isIdempotent_soTheShutdownHookAndTheRunNeverTerminateTwice() throws Exception {
    Canary canary =
        new Canary(
            cloud,
            CanarySettings.parse(List.of("--subnet", "subnet-0a1b2c3d")),
            clock,
            clock::advance,
            Duration.ofSeconds(2));
    canary.run();
    canary.cleanUp();

    assertThat(cloud.terminated).hasSize(1);
    assertThat(canary.running()).isEmpty();
  }

  @Test
  void metrics_areOneDimensionlessEmfLine_withSecondsAndFailedPaths() throws Exception {
    String line =
        CanaryMetrics.line(
            Instant.parse("2026-12-06T04:00:00Z"),
            Optional.of(Duration.ofMillis(2500)),
            Optional.empty(),
            1);

    var json = io.github.eksnoderemediator.json.Json.MAPPER.readTree(line);
    assertThat(json.at("/_aws/CloudWatchMetrics/0/Namespace").asText())
        .isEqualTo("EksNodeRemediator");
    assertThat(json.at("/_aws/CloudWatchMetrics/0/Dimensions/0")).isEmpty();
    assertThat(json.at("/_aws/CloudWatchMetrics/0/Metrics").toString())
        .isEqualTo(
            "[{\"Name\":\"ExposureSeconds\",\"Unit\":\"Seconds\"},"
                + "{\"Name\":\"PathsFailed\",\"Unit\":\"Count\"}]");
    assertThat(json.path("ExposureSeconds").asDouble()).isEqualTo(2.5);
    assertThat(json.has("TamperResponseSeconds")).isFalse();
    assertThat(json.path("PathsFailed").asInt()).isEqualTo(1);
  }

  @Test
  void settings_badInput_isOneLineNamingIt() {
    assertThatThrownBy(() -> CanarySettings.parse(List.of("--end-to-end")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("--subnet is required: the subnet the canary instance runs in");
    assertThatThrownBy(() -> CanarySettings.parse(List.of("--subnet", "sub-1")))
        .hasMessage("--subnet: not a subnet id: sub-1");
    assertThatThrownBy(() -> CanarySettings.parse(List.of("--subnet", "subnet-0a1b2c3d", "--x")))
        .hasMessageStartingWith("--x: expected a value after it");
    assertThatThrownBy(
            () -> CanarySettings.parse(List.of("--subnet", "subnet-0a1b2c3d", "--hop-limit", "0")))
        .hasMessageStartingWith("--hop-limit: hop limit band must satisfy");
  }

  @Test
  void endToEnd_badCommandLine_exitsTwo_withOneLine() {
    var out = new java.io.ByteArrayOutputStream();
    var err = new java.io.ByteArrayOutputStream();
    int code =
        EndToEnd.run(
            List.of("--end-to-end"),
            new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8),
            new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8),
            () -> cloud,
            Duration.ofMillis(1),
            false);

    assertThat(code).isEqualTo(2);
    assertThat(err.toString(java.nio.charset.StandardCharsets.UTF_8).lines())
        .containsExactly("error: --subnet is required: the subnet the canary instance runs in");
    assertThat(cloud.launches).isEmpty();
  }
}
