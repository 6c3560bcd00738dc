package io.github.eksnoderemediator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.eksnoderemediator.aws.SdkEc2Gateway;
import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.events.EventParser;
import io.github.eksnoderemediator.events.InvalidInputException;
import io.github.eksnoderemediator.iam.IamChecks;
import io.github.eksnoderemediator.iam.IamEnforcement;
import io.github.eksnoderemediator.imds.ImdsService;
import io.github.eksnoderemediator.metrics.Metrics;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.report.Decision;
import io.github.eksnoderemediator.report.HopLimitChange;
import io.github.eksnoderemediator.report.InstanceResult;
import io.github.eksnoderemediator.report.Report;
import io.github.eksnoderemediator.testing.Ec2Fixtures;
import io.github.eksnoderemediator.testing.ImdsServices;
import io.github.eksnoderemediator.testing.Instances;
import io.github.eksnoderemediator.testing.MotoServer;
import io.github.eksnoderemediator.testing.RecordingProxy;
import io.github.eksnoderemediator.testing.SampleEvents;
import io.github.eksnoderemediator.wait.BoundedWait;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * From a real-shaped event to the instance's metadata options: the parser, the service, the SDK
 * gateway and the real AWS SDK over HTTP, against the moto emulator. A recording proxy between the
 * SDK and moto proves which EC2 calls were made.
 */
class ImdsRemediationIT {
  private static final String CONFIG =
      """
      {"clusters": ["prod"],
       "imds": {"overrides": [{"cluster": "prod", "nodePool": "untrusted", "hopLimit": 1},
                              {"cluster": "prod", "nodePool": "batch", "hopLimit": {"min": 2}}]},
       "waits": {"notFoundSeconds": 2, "tagSettleSeconds": 1, "appliedSeconds": 2, "firstBackoffMillis": 100}}
      """;

  private static RecordingProxy proxy;

  /** The synthesized roles must allow every call the test's code makes (reading B). */
  @RegisterExtension static final IamChecks IAM = new IamChecks();

  private static IamEnforcement iam;
  private static Ec2Fixtures fixtures;
  private final List<InstanceResult> logged = new ArrayList<>();
  private ImdsService service;

  @BeforeAll
  static void startEmulator() throws Exception {
    MotoServer moto = MotoServer.shared();
    moto.reset();
    proxy = new RecordingProxy(moto.endpoint());
    iam = IAM.enforce(proxy, MotoServer.shared().endpoint(), CONFIG);
    fixtures = new Ec2Fixtures(moto.endpoint());
  }

  @AfterAll
  static void stopProxy() {
    proxy.close();
  }

  @BeforeEach
  void setUp() {
    RemediatorConfig config = RemediatorConfig.parse(CONFIG, "test");
    SdkEc2Gateway gateway = new SdkEc2Gateway(Ec2Fixtures.client(proxy.endpoint()));
    service =
        ImdsServices.of(
            gateway,
            null,
            config,
            BoundedWait.system(),
            Clock.systemUTC(),
            (input, eventId, result) -> logged.add(result),
            Metrics.NONE);
    proxy.clear();
  }

  private Report handle(byte[] event) {
    return service.handle(EventParser.parse(event), false);
  }

  private static Map<String, String> karpenter(String pool) {
    Map<String, String> tags = new HashMap<>(Instances.KARPENTER_PROD);
    tags.put("karpenter.sh/nodepool", pool);
    return tags;
  }

  @Test
  void runInstancesEvent_hardensAManagedNodeGroupNode_andLeavesItsHopLimit1At1_byDefault() {
    InstanceId node = fixtures.launch(Instances.MANAGED_PROD, "optional", 1);

    Report report =
        handle(
            SampleEvents.withIds(
                "cloudtrail-runinstances-managed-nodegroup.json",
                Map.of("i-0a1b2c3d4e5f60002", node.value())));

    assertThat(fixtures.options(node)).isEqualTo("required/1/enabled");
    InstanceResult r = report.results().get(0);
    assertThat(r.decision()).isEqualTo(Decision.CHANGED);
    assertThat(r.policy().hopLimitMin()).isEqualTo(1);
    assertThat(r.policy().hopLimitMax()).isEqualTo(2);
    assertThat(r.policy().from()).isEqualTo("default");
    assertThat(r.hopLimitChange()).isNull();
    assertThat(r.nodeKind()).isEqualTo("managed-node-group");
    assertThat(r.before().httpTokens()).isEqualTo("optional");
    assertThat(r.after().httpTokens()).isEqualTo("required");
    assertThat(r.applied()).isTrue();
    // Who launched it weak, and from which template, as the event says.
    assertThat(r.reason())
        .startsWith(
            "launched weak by arn:aws:sts::123456789012:assumed-role/AWSServiceRoleForAutoScaling/"
                + "AutoScaling from autoscaling.amazonaws.com, launch template lt-0a1b2c3d4e5f6a7b8"
                + " version 3; HttpTokens optional -> required");
    assertThat(r.reason()).doesNotContain("hop limit");
    assertThat(r.caller().action()).isEqualTo("RunInstances");
    assertThat(r.caller().invokedBy()).isEqualTo("autoscaling.amazonaws.com");
    // Exactly one describe and one modify, carrying all three fields and nothing else.
    assertThat(proxy.calls())
        .extracting(RecordingProxy.Call::action)
        .containsExactly("DescribeInstances", "ModifyInstanceMetadataOptions");
    RecordingProxy.Call modify = proxy.calls("ModifyInstanceMetadataOptions").get(0);
    assertThat(modify.param("HttpTokens")).isEqualTo("required");
    assertThat(modify.param("HttpPutResponseHopLimit")).isEqualTo("1");
    assertThat(modify.param("HttpEndpoint")).isEqualTo("enabled");
    assertThat(modify.param("InstanceMetadataTags")).isNull();
    assertThat(modify.param("HttpProtocolIpv6")).isNull();
    assertThat(logged).containsExactlyElementsOf(report.results());
  }

  @Test
  void createFleetEvent_hardensKarpenterNodes_withTheirNodePoolsBand() {
    List<InstanceId> general = fixtures.launch(2, karpenter("general"), "optional", 1);
    InstanceId untrusted = fixtures.launch(karpenter("untrusted"), "required", 2);

    Report report =
        handle(
            SampleEvents.withIds(
                "cloudtrail-createfleet-several-instances.json",
                Map.of(
                    "i-0a1b2c3d4e5f60007", general.get(0).value(),
                    "i-0a1b2c3d4e5f60008", general.get(1).value(),
                    "i-0a1b2c3d4e5f60009", untrusted.value())));

    assertThat(fixtures.options(general.get(0))).isEqualTo("required/1/enabled");
    assertThat(fixtures.options(general.get(1))).isEqualTo("required/1/enabled");
    assertThat(fixtures.options(untrusted)).isEqualTo("required/1/enabled");
    InstanceResult pool = report.results().get(2);
    assertThat(pool.nodePool()).isEqualTo("untrusted");
    assertThat(pool.policy().from()).isEqualTo("nodePool prod/untrusted");
    assertThat(pool.reason())
        .isEqualTo(
            "launched weak by arn:aws:sts::123456789012:assumed-role/KarpenterControllerRole-prod/"
                + "1795356188123456789 from 52.95.4.21 (aws-sdk-go-v2/1.36.3 ua/2.1 os/linux"
                + " lang/go#1.24.2 md/GOOS#linux md/GOARCH#amd64 api/ec2#1.211.3"
                + " karpenter.sh-v1.4.0), launch template karpenter.k8s.aws/12345678901234567890"
                + " version $Latest; hop limit lowered 2 -> 1 (band 1 from nodePool prod/untrusted)");
    assertThat(pool.hopLimitChange())
        .isEqualTo(
            new HopLimitChange(
                HopLimitChange.Direction.LOWERED, 2, 1, 1, 1, "nodePool prod/untrusted"));
  }

  @Test
  void createFleetEvent_withSingleItems_hardensTheOneNode_leavingAKarpenterHopLimit1At1() {
    InstanceId node = fixtures.launch(karpenter("default"), "optional", 1);

    handle(
        SampleEvents.withIds(
            "cloudtrail-createfleet-one-instance.json",
            Map.of("i-0a1b2c3d4e5f60006", node.value())));

    assertThat(fixtures.options(node)).isEqualTo("required/1/enabled");
  }

  @Test
  void aPoolWhoseBandHasMin2_isRaisedFrom1_andTheReportSaysFromWhichSetting() {
    InstanceId node = fixtures.launch(karpenter("batch"), "optional", 1);

    Report report =
        handle(
            SampleEvents.withIds(
                "cloudtrail-createfleet-one-instance.json",
                Map.of("i-0a1b2c3d4e5f60006", node.value())));

    assertThat(fixtures.options(node)).isEqualTo("required/2/enabled");
    InstanceResult r = report.results().get(0);
    assertThat(r.hopLimitChange())
        .isEqualTo(
            new HopLimitChange(HopLimitChange.Direction.RAISED, 1, 2, 2, 2, "nodePool prod/batch"));
    assertThat(r.reason()).endsWith("hop limit raised 1 -> 2 (band 2 from nodePool prod/batch)");
    assertThat(logged.get(0).hopLimitChange()).isEqualTo(r.hopLimitChange());
  }

  @Test
  void runInstancesEvent_hardensSelfManagedNodes() {
    List<InstanceId> nodes = fixtures.launch(2, Instances.SELF_MANAGED_PROD, "optional", 1);

    Report report =
        handle(
            SampleEvents.withIds(
                "cloudtrail-runinstances-self-managed-two-instances.json",
                Map.of(
                    "i-0a1b2c3d4e5f60003",
                    nodes.get(0).value(),
                    "i-0a1b2c3d4e5f60004",
                    nodes.get(1).value())));

    assertThat(report.results()).extracting(InstanceResult::nodeKind).containsOnly("self-managed");
    assertThat(report.results()).extracting(InstanceResult::nodeGroup).containsOnly("legacy-ng");
    nodes.forEach(n -> assertThat(fixtures.options(n)).isEqualTo("required/1/enabled"));
  }

  @Test
  void stateChangeEvent_hardensTheNode_andLowersAHopLimitAbove2() {
    InstanceId node = fixtures.launch(Instances.MANAGED_PROD, "optional", 3);

    Report report =
        handle(
            SampleEvents.withIds(
                "state-change-running.json", Map.of("i-0a1b2c3d4e5f60001", node.value())));

    assertThat(fixtures.options(node)).isEqualTo("required/2/enabled");
    assertThat(report.results().get(0).hopLimitChange())
        .isEqualTo(new HopLimitChange(HopLimitChange.Direction.LOWERED, 3, 2, 1, 2, "default"));
  }

  @Test
  void nonEksInstance_isLeftAlone_withoutAModifyCall() {
    InstanceId bastion = fixtures.launch(Map.of("Name", "bastion"), "optional", 1);

    Report report =
        handle(
            SampleEvents.withIds(
                "cloudtrail-runinstances-non-eks.json",
                Map.of("i-0a1b2c3d4e5f60005", bastion.value())));

    assertThat(report.results().get(0).decision()).isEqualTo(Decision.SKIPPED);
    assertThat(fixtures.options(bastion)).isEqualTo("optional/1/enabled");
    assertThat(proxy.calls("ModifyInstanceMetadataOptions")).isEmpty();
  }

  @Test
  void compliantNode_getsNoModifyCall() {
    InstanceId node = fixtures.launch(Instances.MANAGED_PROD, "required", 2);

    Report report = handle(("{\"instanceId\": \"" + node + "\"}").getBytes(StandardCharsets.UTF_8));

    assertThat(report.results().get(0).decision()).isEqualTo(Decision.COMPLIANT);
    assertThat(proxy.calls())
        .extracting(RecordingProxy.Call::action)
        .containsExactly("DescribeInstances");
  }

  @Test
  void outOfScopeClusterAndOptedOutNodes_areLeftAlone() {
    InstanceId staging =
        fixtures.launch(
            Map.of("eks:cluster-name", "staging", "eks:nodegroup-name", "ng"), "optional", 1);
    Map<String, String> optedOut = new HashMap<>(Instances.MANAGED_PROD);
    optedOut.put(RemediatorConfig.DEFAULT_OPT_OUT_TAG_KEY, "true");
    InstanceId opted = fixtures.launch(optedOut, "optional", 1);

    Report report =
        handle(
            ("{\"instanceIds\": [\"" + staging + "\", \"" + opted + "\"]}")
                .getBytes(StandardCharsets.UTF_8));

    assertThat(report.results())
        .extracting(InstanceResult::decision)
        .containsOnly(Decision.SKIPPED);
    assertThat(report.results().get(0).reason())
        .isEqualTo("cluster staging is not in scope [prod]");
    assertThat(report.results().get(1).reason()).startsWith("opted out by tag");
    assertThat(fixtures.options(staging)).isEqualTo("optional/1/enabled");
    assertThat(fixtures.options(opted)).isEqualTo("optional/1/enabled");
    assertThat(proxy.calls("ModifyInstanceMetadataOptions")).isEmpty();
  }

  @Test
  void manualDryRun_reportsThePlan_andWritesNothing() {
    InstanceId node = fixtures.launch(Instances.MANAGED_PROD, "optional", 1);

    Report report =
        handle(
            ("{\"instanceIds\": [\"" + node + "\"], \"dryRun\": true}")
                .getBytes(StandardCharsets.UTF_8));

    InstanceResult r = report.results().get(0);
    assertThat(r.dryRun()).isTrue();
    assertThat(r.after().httpTokens()).isEqualTo("required");
    assertThat(fixtures.options(node)).isEqualTo("optional/1/enabled");
    assertThat(proxy.calls("ModifyInstanceMetadataOptions")).isEmpty();
  }

  @Test
  void unknownInstance_failsRetryably_afterTheBoundedWait() {
    Report report =
        handle("{\"instanceId\": \"i-00000000000000000\"}".getBytes(StandardCharsets.UTF_8));

    InstanceResult r = report.results().get(0);
    assertThat(r.decision()).isEqualTo(Decision.FAILED);
    assertThat(r.retryable()).isTrue();
    assertThat(proxy.calls())
        .extracting(RecordingProxy.Call::action)
        .containsOnly("DescribeInstances")
        .hasSizeGreaterThan(1);
  }

  @Test
  void malformedInput_isRejected_beforeAnyAwsCall() {
    assertThatThrownBy(() -> handle(SampleEvents.read("invalid/manual-wrong-id-kind.json")))
        .isInstanceOf(InvalidInputException.class);
    assertThat(proxy.calls()).isEmpty();
  }

  @Test
  void duplicateAndConcurrentEvents_leaveEveryNodeHardened_andNeverLoosenOne() throws Exception {
    List<InstanceId> nodes = fixtures.launch(3, Instances.MANAGED_PROD, "optional", 1);
    List<byte[]> events = new ArrayList<>();
    for (InstanceId n : nodes) {
      byte[] pending =
          SampleEvents.withIds(
              "state-change-pending.json", Map.of("i-0a1b2c3d4e5f60001", n.value()));
      byte[] running =
          SampleEvents.withIds(
              "state-change-running.json", Map.of("i-0a1b2c3d4e5f60001", n.value()));
      byte[] launch =
          SampleEvents.withIds(
              "cloudtrail-runinstances-managed-nodegroup.json",
              Map.of("i-0a1b2c3d4e5f60002", n.value()));
      for (int copy = 0; copy < 3; copy++) {
        events.add(running);
        events.add(launch);
        events.add(pending);
      }
    }
    java.util.Collections.shuffle(events, new java.util.Random(42));
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Callable<Report>> work =
          events.stream().map(e -> (Callable<Report>) () -> handle(e)).toList();
      for (Future<Report> f : pool.invokeAll(work)) {
        assertThat(f.get().failures()).isEmpty();
      }
    } finally {
      pool.shutdown();
    }

    nodes.forEach(n -> assertThat(fixtures.options(n)).isEqualTo("required/1/enabled"));
    // Every write ever sent for these nodes hardened them: none carried optional tokens.
    assertThat(proxy.calls("ModifyInstanceMetadataOptions"))
        .isNotEmpty()
        .allSatisfy(c -> assertThat(c.param("HttpTokens")).isEqualTo("required"));
  }

  @Test
  void throttlingAndServerErrors_areRetriedByTheSdk_andTheNodeEndsHardened() {
    InstanceId node = fixtures.launch(Instances.MANAGED_PROD, "optional", 1);
    proxy.failNext(1, 400, "RequestLimitExceeded");
    proxy.failNext(1, 503, "Unavailable");

    Report report = handle(("{\"instanceId\": \"" + node + "\"}").getBytes(StandardCharsets.UTF_8));

    assertThat(report.results().get(0).decision()).isEqualTo(Decision.CHANGED);
    assertThat(fixtures.options(node)).isEqualTo("required/1/enabled");
    assertThat(proxy.calls())
        .extracting(RecordingProxy.Call::action)
        .containsExactly(
            "DescribeInstances",
            "DescribeInstances",
            "DescribeInstances",
            "ModifyInstanceMetadataOptions");
  }

  @Test
  void anIamDenial_isReportedAtOnce_withoutRetries_andNothingChanges() {
    InstanceId node = fixtures.launch(Instances.MANAGED_PROD, "optional", 1);
    proxy.failNext("ModifyInstanceMetadataOptions", 1, 403, "UnauthorizedOperation");

    Report report = handle(("{\"instanceId\": \"" + node + "\"}").getBytes(StandardCharsets.UTF_8));

    InstanceResult r = report.results().get(0);
    assertThat(r.decision()).isEqualTo(Decision.FAILED);
    assertThat(r.retryable()).isFalse();
    assertThat(r.reason())
        .startsWith("ModifyInstanceMetadataOptions failed: UnauthorizedOperation");
    assertThat(proxy.calls("ModifyInstanceMetadataOptions")).hasSize(1);
    assertThat(fixtures.options(node)).isEqualTo("optional/1/enabled");
  }
}
