package io.github.eksnoderemediator.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.eksnoderemediator.aws.AwsClients;
import io.github.eksnoderemediator.aws.SdkEc2Gateway;
import io.github.eksnoderemediator.aws.SdkImdsV1Usage;
import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.events.EventParser;
import io.github.eksnoderemediator.iam.IamChecks;
import io.github.eksnoderemediator.iam.IamEnforcement;
import io.github.eksnoderemediator.imds.ImdsService;
import io.github.eksnoderemediator.imds.ImdsV1UseCheck;
import io.github.eksnoderemediator.metrics.Metrics;
import io.github.eksnoderemediator.port.EksGateway;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.report.Decision;
import io.github.eksnoderemediator.report.InstanceResult;
import io.github.eksnoderemediator.report.Report;
import io.github.eksnoderemediator.testing.CloudWatchBridge;
import io.github.eksnoderemediator.testing.Ec2Fixtures;
import io.github.eksnoderemediator.testing.ImdsServices;
import io.github.eksnoderemediator.testing.Instances;
import io.github.eksnoderemediator.testing.MotoServer;
import io.github.eksnoderemediator.testing.RecordingMetrics;
import io.github.eksnoderemediator.testing.RecordingProxy;
import io.github.eksnoderemediator.testing.SampleEvents;
import io.github.eksnoderemediator.wait.BoundedWait;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;

/**
 * The IMDSv1-use check against the emulator: the real CloudWatch client (through {@link
 * CloudWatchBridge}, since moto does not speak the SDK's CBOR protocol) reading {@code
 * MetadataNoToken} datapoints put into moto, and the sweep enforcing or deferring nodes by mode.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ImdsV1UsageIT {
  private static final String CONFIG =
      """
      {"clusters": ["prod", "bulk"],
       "imds": {"imdsV1Check": {"minNodeAgeMinutes": 0},
                "overrides": [{"cluster": "prod", "nodeGroup": "legacy", "imdsV1Usage": "defer"}]},
       "sweep": {"writesPerSecond": 5, "burst": 100}}
      """;

  private static final int BULK = 510;

  private static RecordingProxy proxy;
  private static CloudWatchBridge bridge;
  private static Ec2Fixtures fixtures;
  private static CloudWatchClient cloudWatch;
  private static CloudWatchClient functionsCloudWatch;

  /** The synthesized roles must allow every call the test's code makes (reading B). */
  @RegisterExtension static final IamChecks IAM = new IamChecks();

  private static IamEnforcement iam;

  private static List<InstanceId> legacyWithCalls;
  private static List<InstanceId> legacyQuiet;
  private static List<InstanceId> legacyZero;
  private static List<InstanceId> generalWithCalls;
  private static InstanceId compliant;

  @BeforeAll
  static void launchNodesAndTheirMetrics() throws Exception {
    MotoServer moto = MotoServer.shared();
    moto.reset();
    proxy = new RecordingProxy(moto.endpoint());
    bridge = new CloudWatchBridge(moto.endpoint());
    iam = IAM.enforce(proxy, moto.endpoint(), CONFIG);
    bridge.authorize(iam.cloudWatch());
    // The function's own client, signed as its role; the test's setup client is not.
    functionsCloudWatch =
        AwsClients.cloudWatchBuilder()
            .endpointOverride(bridge.endpoint())
            .region(Region.of(MotoServer.REGION))
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(Ec2Fixtures.IMDS_ACCESS_KEY, "testing")))
            .build();
    fixtures = new Ec2Fixtures(moto.endpoint());
    cloudWatch =
        AwsClients.cloudWatchBuilder()
            .endpointOverride(bridge.endpoint())
            .region(Region.of(MotoServer.REGION))
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
            .build();

    Map<String, String> legacy = new HashMap<>(Instances.MANAGED_PROD);
    legacy.put("eks:nodegroup-name", "legacy");
    legacyWithCalls = fixtures.launch(3, legacy, "optional", 1);
    legacyQuiet = fixtures.launch(2, legacy, "optional", 1);
    legacyZero = fixtures.launch(1, legacy, "optional", 1);
    generalWithCalls = fixtures.launch(2, Instances.MANAGED_PROD, "optional", 1);
    compliant = fixtures.launch(Instances.MANAGED_PROD, "required", 2);
    fixtures.launch(
        BULK, Map.of("eks:cluster-name", "bulk", "eks:nodegroup-name", "ng"), "optional", 2);

    Instant now = Instant.now();
    List<MetricDatum> data = new ArrayList<>();
    for (InstanceId id : legacyWithCalls) {
      data.add(noToken(id, 5, now.minus(Duration.ofHours(3))));
      data.add(noToken(id, 7, now.minus(Duration.ofHours(1))));
    }
    data.add(noToken(legacyZero.get(0), 0, now.minus(Duration.ofHours(2))));
    // Older than the 24-hour window: must not count.
    data.add(noToken(legacyQuiet.get(0), 40, now.minus(Duration.ofHours(30))));
    for (InstanceId id : generalWithCalls) {
      data.add(noToken(id, 3, now.minus(Duration.ofMinutes(30))));
    }
    cloudWatch.putMetricData(r -> r.namespace("AWS/EC2").metricData(data));
  }

  @AfterAll
  static void close() {
    proxy.close();
    bridge.close();
    cloudWatch.close();
    functionsCloudWatch.close();
  }

  private static MetricDatum noToken(InstanceId id, double value, Instant at) {
    return MetricDatum.builder()
        .metricName("MetadataNoToken")
        .dimensions(Dimension.builder().name("InstanceId").value(id.value()).build())
        .value(value)
        .timestamp(at)
        .unit(StandardUnit.COUNT)
        .build();
  }

  private static ImdsService service(RecordingMetrics metrics) {
    RemediatorConfig config = RemediatorConfig.parse(CONFIG, "test");
    Clock clock = Clock.systemUTC();
    return ImdsServices.of(
        new SdkEc2Gateway(Ec2Fixtures.client(proxy.endpoint())),
        new NoClusters(),
        config,
        BoundedWait.system(),
        clock,
        (input, eventId, result) -> {},
        metrics,
        new ImdsV1UseCheck(
            () -> new SdkImdsV1Usage(functionsCloudWatch), config.imds().imdsV1Check(), clock));
  }

  @Test
  @Order(1)
  void gateway_sumsEachInstancesDatapointsInTheWindow_inOneCallPer500Instances() {
    List<InstanceId> ids = new ArrayList<>();
    ids.addAll(legacyWithCalls);
    ids.addAll(legacyQuiet);
    ids.addAll(legacyZero);
    IntStream.range(0, 1200)
        .forEach(i -> ids.add(new InstanceId(String.format("i-0%016x", 0xabc000L + i))));
    bridge.clear();
    Instant now = Instant.now();

    Map<InstanceId, Long> calls =
        new SdkImdsV1Usage(functionsCloudWatch)
            .noTokenCalls(ids, now.minus(Duration.ofHours(24)), now);

    assertThat(bridge.calls("GetMetricData")).as("1,206 instances: 3 calls").isEqualTo(3);
    legacyWithCalls.forEach(id -> assertThat(calls).containsEntry(id, 12L));
    assertThat(calls).containsEntry(legacyZero.get(0), 0L);
    assertThat(calls).doesNotContainKeys(legacyQuiet.toArray(InstanceId[]::new));
    assertThat(calls).hasSize(legacyWithCalls.size() + 1);
  }

  @Test
  @Order(2)
  void sweepDryRun_readsOnceFor500Nodes_showsDeferredAndEnforced_andWritesNothing() {
    RecordingMetrics metrics = new RecordingMetrics();
    proxy.clear();
    bridge.clear();

    Report plan =
        service(metrics).handle(EventParser.parse(SampleEvents.read("scheduled-event.json")), true);

    assertThat(proxy.calls("ModifyInstanceMetadataOptions")).isEmpty();
    int candidates = BULK + legacyWithCalls.size() + legacyQuiet.size() + 1 + 2;
    assertThat(bridge.calls("GetMetricData"))
        .as("%d nodes to check: one call per 500", candidates)
        .isEqualTo((candidates + 499) / 500);
    assertThat(plan.summary().get(Decision.DEFERRED)).isEqualTo(legacyWithCalls.size());
    legacyWithCalls.forEach(
        id -> {
          InstanceResult r = result(plan, id);
          assertThat(r.reason())
              .startsWith(
                  "dry run, deferred: 12 IMDSv1 calls in the last 24 h (imdsV1Usage defer from"
                      + " nodeGroup prod/legacy); nothing written; would change: HttpTokens"
                      + " optional -> required");
          assertThat(r.imdsV1().calls()).isEqualTo(12);
          assertThat(r.policy().imdsV1Usage()).isEqualTo("defer");
        });
    generalWithCalls.forEach(
        id ->
            assertThat(result(plan, id).reason())
                .contains(
                    "enforced despite 3 IMDSv1 calls in the last 24 h: those clients now get 401"));
    // Not read, and the report says why (docs/brownfield.md quotes it).
    assertThat(result(plan, compliant).imdsV1().note())
        .isEqualTo("not checked: tokens already required");
    assertThat(metrics.flushed("prod", Metrics.NODES_DEFERRED))
        .as("dry runs count nothing")
        .isZero();
  }

  @Test
  @Order(3)
  void clusterRequest_defersLegacyNodesWithCalls_enforcesTheRest_andRecordsMetrics() {
    RecordingMetrics metrics = new RecordingMetrics();
    proxy.clear();
    bridge.clear();

    Report report =
        service(metrics)
            .handle(
                EventParser.parse("{\"cluster\": \"prod\"}".getBytes(StandardCharsets.UTF_8)),
                false);

    assertThat(bridge.calls("GetMetricData")).isEqualTo(1);
    legacyWithCalls.forEach(
        id -> {
          assertThat(result(report, id).decision()).isEqualTo(Decision.DEFERRED);
          assertThat(fixtures.options(id))
              .as("deferred: tokens and hop limit untouched")
              .isEqualTo("optional/1/enabled");
        });
    List<InstanceId> enforced = new ArrayList<>(legacyQuiet);
    enforced.addAll(legacyZero);
    enforced.addAll(generalWithCalls);
    enforced.forEach(
        id -> {
          assertThat(result(report, id).decision()).isEqualTo(Decision.CHANGED);
          assertThat(fixtures.options(id)).isEqualTo("required/1/enabled");
        });
    assertThat(proxy.calls("ModifyInstanceMetadataOptions")).hasSize(enforced.size());
    assertThat(metrics.flushed("prod", Metrics.NODES_DEFERRED)).isEqualTo(3);
    assertThat(metrics.flushed("prod", Metrics.NODES_ENFORCED_WITH_IMDSV1_USE)).isEqualTo(2);

    // Again: the deferred nodes stay deferred, nothing else is written.
    proxy.clear();
    Report again =
        service(new RecordingMetrics())
            .handle(
                EventParser.parse("{\"cluster\": \"prod\"}".getBytes(StandardCharsets.UTF_8)),
                false);
    assertThat(proxy.calls("ModifyInstanceMetadataOptions")).isEmpty();
    assertThat(again.summary().get(Decision.DEFERRED)).isEqualTo(3);
  }

  private static InstanceResult result(Report report, InstanceId id) {
    return report.results().stream()
        .filter(r -> r.instanceId().equals(id.value()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no result for " + id));
  }

  /** The drift report is not under test here: EKS knows no clusters. */
  private static final class NoClusters implements EksGateway {
    @Override
    public List<String> listClusters() {
      return List.of();
    }

    @Override
    public Optional<ClusterInfo> describeCluster(String name) {
      return Optional.empty();
    }

    @Override
    public List<String> listNodegroups(String cluster) {
      return List.of();
    }

    @Override
    public NodegroupInfo describeNodegroup(String cluster, String nodegroup) {
      throw new AssertionError("no node groups");
    }
  }
}
