package io.github.eksnoderemediator.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.eksnoderemediator.aws.AwsClients;
import io.github.eksnoderemediator.aws.SdkEc2Gateway;
import io.github.eksnoderemediator.aws.SdkEksGateway;
import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.drift.DriftReport;
import io.github.eksnoderemediator.events.EventParser;
import io.github.eksnoderemediator.iam.IamChecks;
import io.github.eksnoderemediator.iam.IamEnforcement;
import io.github.eksnoderemediator.imds.ImdsService;
import io.github.eksnoderemediator.json.Json;
import io.github.eksnoderemediator.metrics.EmfMetrics;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.report.Decision;
import io.github.eksnoderemediator.report.InstanceResult;
import io.github.eksnoderemediator.report.Report;
import io.github.eksnoderemediator.testing.Ec2Fixtures;
import io.github.eksnoderemediator.testing.ImdsServices;
import io.github.eksnoderemediator.testing.Instances;
import io.github.eksnoderemediator.testing.MotoServer;
import io.github.eksnoderemediator.testing.RecordingProxy;
import io.github.eksnoderemediator.testing.SampleEvents;
import io.github.eksnoderemediator.wait.BoundedWait;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eks.EksClient;

/**
 * The reconcile sweep, the cluster-level manual request and the drift report, against the emulator
 * with a few hundred tagged instances of every kind and state.
 */
class SweepIT {
  private static final String CONFIG =
      """
      {"clusters": ["prod"],
       "imds": {"overrides": [{"cluster": "prod", "nodePool": "untrusted", "hopLimit": 1}]},
       "sweep": {"writesPerSecond": 5, "burst": 100}}
      """;

  private static RecordingProxy proxy;

  /** The synthesized roles must allow every call the test's code makes (reading B). */
  @RegisterExtension static final IamChecks IAM = new IamChecks();

  private static IamEnforcement iam;
  private static Ec2Fixtures fixtures;
  private static EksClient eks;
  private static EksClient eksSetup;

  /** Every instance launched, with the options it must end with. */
  private static final Map<InstanceId, String> expected = new LinkedHashMap<>();

  private static int nonCompliantInScope;

  @BeforeAll
  static void launchAFleet() throws Exception {
    MotoServer moto = MotoServer.shared();
    moto.reset();
    proxy = new RecordingProxy(moto.endpoint());
    iam = IAM.enforce(proxy, MotoServer.shared().endpoint(), CONFIG);
    fixtures = new Ec2Fixtures(moto.endpoint());
    eks =
        AwsClients.eksBuilder()
            .endpointOverride(proxy.endpoint())
            .region(Region.of(MotoServer.REGION))
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(Ec2Fixtures.IMDS_ACCESS_KEY, "testing")))
            .build();
    // The test's own setup goes straight to the emulator: only the function's calls meet IAM.
    eksSetup =
        AwsClients.eksBuilder()
            .endpointOverride(moto.endpoint())
            .region(Region.of(MotoServer.REGION))
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("setup", "testing")))
            .build();

    Map<String, String> pool = new HashMap<>(Instances.KARPENTER_PROD);
    pool.put("karpenter.sh/nodepool", "default");
    Map<String, String> untrusted = new HashMap<>(Instances.KARPENTER_PROD);
    untrusted.put("karpenter.sh/nodepool", "untrusted");
    Map<String, String> optedOut = new HashMap<>(Instances.MANAGED_PROD);
    optedOut.put(RemediatorConfig.DEFAULT_OPT_OUT_TAG_KEY, "true");

    launch(60, Instances.MANAGED_PROD, "optional", 1, "required/1/enabled", true);
    launch(40, Instances.MANAGED_PROD, "required", 2, "required/2/enabled", false);
    launch(40, pool, "optional", 1, "required/1/enabled", true);
    launch(20, untrusted, "required", 2, "required/1/enabled", true);
    launch(30, Instances.SELF_MANAGED_PROD, "optional", 3, "required/2/enabled", true);
    launch(
        40,
        Map.of("eks:cluster-name", "staging", "eks:nodegroup-name", "ng"),
        "optional",
        1,
        "optional/1/enabled",
        false);
    launch(40, Map.of("Name", "build-host"), "optional", 1, "optional/1/enabled", false);
    launch(10, optedOut, "optional", 1, "optional/1/enabled", false);
    List<InstanceId> stopped =
        launch(10, Instances.MANAGED_PROD, "optional", 1, "required/1/enabled", true);
    fixtures.stop(stopped);
    List<InstanceId> terminated =
        launch(10, Instances.MANAGED_PROD, "optional", 1, "optional/1/enabled", false);
    fixtures.terminate(terminated);

    // Node groups for the drift report: one weak launch template, one hardened, one EKS default.
    String weak = fixtures.launchTemplate("weak", "optional", 3);
    String hardened = fixtures.launchTemplate("hardened", "required", 2);
    eksSetup.createCluster(
        r ->
            r.name("prod")
                .roleArn("arn:aws:iam::123456789012:role/eks")
                .resourcesVpcConfig(v -> v.subnetIds(List.of())));
    createNodegroup("general", weak);
    createNodegroup("ingress", hardened);
    createNodegroup("defaults", null);
  }

  @AfterAll
  static void stopProxy() {
    proxy.close();
  }

  private static List<InstanceId> launch(
      int count,
      Map<String, String> tags,
      String tokens,
      int hop,
      String expectedAfter,
      boolean nonCompliant) {
    List<InstanceId> ids = fixtures.launch(count, tags, tokens, hop);
    ids.forEach(id -> expected.put(id, expectedAfter));
    if (nonCompliant) {
      nonCompliantInScope += count;
    }
    return ids;
  }

  private static void createNodegroup(String name, String launchTemplateId) {
    eksSetup.createNodegroup(
        r -> {
          r.clusterName("prod")
              .nodegroupName(name)
              .nodeRole("arn:aws:iam::123456789012:role/node")
              .subnets("subnet-1");
          if (launchTemplateId != null) {
            r.launchTemplate(t -> t.id(launchTemplateId).version("1"));
          }
        });
  }

  private static ImdsService service(PrintStream log) {
    RemediatorConfig config = RemediatorConfig.parse(CONFIG, "test");
    Clock clock = Clock.systemUTC();
    return ImdsServices.of(
        new SdkEc2Gateway(Ec2Fixtures.client(proxy.endpoint())),
        new SdkEksGateway(eks),
        config,
        BoundedWait.system(),
        clock,
        (input, eventId, result) -> log.println(Json.compact(result)),
        new EmfMetrics(log, "imds"));
  }

  @Test
  void clusterDryRun_listsWhatItWouldChange_andChangesNothing_thenTheSweepFixesExactlyThat()
      throws Exception {
    ByteArrayOutputStream logs = new ByteArrayOutputStream();
    ImdsService service = service(new PrintStream(logs, true, StandardCharsets.UTF_8));

    proxy.clear();
    Report plan =
        service.handle(
            EventParser.parse(
                "{\"cluster\": \"prod\", \"dryRun\": true}".getBytes(StandardCharsets.UTF_8)),
            false);

    assertThat(proxy.calls("ModifyInstanceMetadataOptions")).isEmpty();
    List<String> wouldChange =
        plan.results().stream()
            .filter(r -> r.decision() == Decision.CHANGED)
            .map(InstanceResult::instanceId)
            .toList();
    assertThat(wouldChange).hasSize(nonCompliantInScope);
    assertThat(plan.results()).allMatch(InstanceResult::dryRun);
    expected
        .keySet()
        .forEach(id -> assertThat(fixtures.options(id)).doesNotStartWith("required/1"));

    // Now the scheduled sweep: exactly the planned instances get one write each.
    proxy.clear();
    logs.reset();
    Report sweep =
        service.handle(EventParser.parse(SampleEvents.read("scheduled-event.json")), false);

    assertThat(proxy.calls("DescribeInstances"))
        .as("one DescribeInstances page per 1,000 nodes")
        .hasSize(1);
    assertThat(sweep.sweep().describePages()).isEqualTo(1);
    List<String> written =
        proxy.calls("ModifyInstanceMetadataOptions").stream()
            .map(c -> c.param("InstanceId"))
            .toList();
    assertThat(written).containsExactlyInAnyOrderElementsOf(wouldChange);
    expected.forEach(
        (id, options) -> assertThat(fixtures.options(id)).as(id.value()).isEqualTo(options));
    assertThat(sweep.summary().get(Decision.CHANGED)).isEqualTo(nonCompliantInScope);
    assertThat(sweep.failures()).isEmpty();
    assertThat(sweep.retryFailures()).isFalse();

    // The sweep's report carries the drift report, and the metrics are in the log as EMF.
    assertThat(sweep.drift().driftingNodeGroups()).isEqualTo(1);
    JsonNode emf = emfLine(logs.toString(StandardCharsets.UTF_8), "prod");
    assertThat(emf.path("NodesRemediated").asInt()).isEqualTo(nonCompliantInScope);
    assertThat(emf.path("DriftingNodeGroups").asInt()).isEqualTo(1);
    assertThat(emf.path("_aws").path("CloudWatchMetrics").get(0).path("Namespace").asText())
        .isEqualTo("EksNodeRemediator");

    // A second sweep finds nothing to do.
    proxy.clear();
    Report again =
        service.handle(EventParser.parse(SampleEvents.read("scheduled-event.json")), false);
    assertThat(proxy.calls("ModifyInstanceMetadataOptions")).isEmpty();
    assertThat(again.summary()).doesNotContainKey(Decision.CHANGED);
  }

  @Test
  void driftReport_namesTheNodeGroupWhoseLaunchTemplateIsWeak() {
    Report report =
        service(new PrintStream(new ByteArrayOutputStream()))
            .handle(
                EventParser.parse("{\"report\": \"drift\"}".getBytes(StandardCharsets.UTF_8)),
                false);

    DriftReport drift = report.drift();
    assertThat(drift.clusters())
        .singleElement()
        .satisfies(c -> assertThat(c.cluster()).isEqualTo("prod"));
    List<DriftReport.NodeGroupDrift> groups = new ArrayList<>(drift.clusters().get(0).nodeGroups());
    assertThat(groups)
        .extracting(DriftReport.NodeGroupDrift::nodeGroup)
        .containsExactlyInAnyOrder("general", "ingress", "defaults");
    DriftReport.NodeGroupDrift general =
        groups.stream().filter(g -> g.nodeGroup().equals("general")).findFirst().orElseThrow();
    assertThat(general.drifting()).isTrue();
    assertThat(general.reasons())
        .containsExactly(
            "HttpTokens optional: nodes launch with IMDSv1 enabled",
            "hop limit 3 outside band [1, 2] from default");
    assertThat(groups)
        .filteredOn(g -> !g.nodeGroup().equals("general"))
        .noneMatch(DriftReport.NodeGroupDrift::drifting);
    // moto does not implement GetInstanceMetadataDefaults: the report says so instead of failing.
    assertThat(drift.account().reasons())
        .singleElement()
        .asString()
        .startsWith("could not be read");
    assertThat(proxy.calls("ModifyInstanceMetadataOptions")).isEmpty();
  }

  private static JsonNode emfLine(String log, String cluster) throws Exception {
    for (String line : log.lines().toList()) {
      JsonNode node = Json.MAPPER.readTree(line);
      if (node.has("_aws") && cluster.equals(node.path("Cluster").asText())) {
        return node;
      }
    }
    throw new AssertionError("no EMF line for cluster " + cluster + " in:\n" + log);
  }
}
