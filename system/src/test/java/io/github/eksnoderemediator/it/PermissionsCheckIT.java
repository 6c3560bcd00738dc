package io.github.eksnoderemediator.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.eksnoderemediator.aws.SdkEc2Gateway;
import io.github.eksnoderemediator.aws.SdkNetworkGateway;
import io.github.eksnoderemediator.check.PermissionsReport;
import io.github.eksnoderemediator.check.Probe;
import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.eni.EniPermissionsCheck;
import io.github.eksnoderemediator.events.EventParser;
import io.github.eksnoderemediator.iam.IamEnforcement;
import io.github.eksnoderemediator.imds.ImdsService;
import io.github.eksnoderemediator.infra.iam.MetadataReading;
import io.github.eksnoderemediator.metrics.Metrics;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.report.Report;
import io.github.eksnoderemediator.testing.Ec2Fixtures;
import io.github.eksnoderemediator.testing.ImdsServices;
import io.github.eksnoderemediator.testing.Instances;
import io.github.eksnoderemediator.testing.LocalCommand;
import io.github.eksnoderemediator.testing.MotoServer;
import io.github.eksnoderemediator.testing.RecordingProxy;
import io.github.eksnoderemediator.wait.BoundedWait;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Tag;

/**
 * {@code {"check": "permissions"}} against the emulator, through the proxy that enforces the roles
 * the CDK app synthesizes and answers {@code DryRun} as EC2 does: hardening allowed, loosening
 * refused wherever EC2 supplies the value keys, out of scope refused, interfaces only with our
 * tags; nothing written.
 */
class PermissionsCheckIT {
  private static final String CONFIG =
      """
      {"clusters": ["prod"],
       "eni": {"profiles": [
         {"name": "multus-data", "cluster": "prod", "nodeGroup": "cnf",
          "subnets": {"tags": {"multus": "data"}}, "securityGroups": {"names": ["multus-data"]},
          "deviceIndex": 1}]},
       "waits": {"notFoundSeconds": 2, "tagSettleSeconds": 1, "appliedSeconds": 2,
                 "firstBackoffMillis": 100}}
      """;

  private static RecordingProxy proxy;
  private static IamEnforcement iam;
  private static Ec2Fixtures fixtures;
  private static Map<String, InstanceId> instances;
  private static Map<InstanceId, String> before;

  @TempDir Path dir;

  @BeforeAll
  static void launch() throws Exception {
    MotoServer moto = MotoServer.shared();
    moto.reset();
    proxy = new RecordingProxy(moto.endpoint());
    iam = IamEnforcement.on(proxy, moto.endpoint(), CONFIG);
    fixtures = new Ec2Fixtures(moto.endpoint());
    Ec2Client ec2 = fixtures.ec2();
    String vpc =
        ec2.describeSubnets(r -> r.subnetIds(fixtures.subnetId())).subnets().get(0).vpcId();
    String data =
        ec2.createSubnet(
                r ->
                    r.vpcId(vpc)
                        .cidrBlock("10.0.96.0/20")
                        .availabilityZone(MotoServer.REGION + "a"))
            .subnet()
            .subnetId();
    ec2.createTags(r -> r.resources(data).tags(Tag.builder().key("multus").value("data").build()));
    ec2.createSecurityGroup(r -> r.vpcId(vpc).groupName("multus-data").description("multus-data"));
    Map<String, String> cnf = new HashMap<>(Instances.MANAGED_PROD);
    cnf.put("eks:nodegroup-name", "cnf");
    Map<String, String> optedOut = new HashMap<>(Instances.MANAGED_PROD);
    optedOut.put(RemediatorConfig.DEFAULT_OPT_OUT_TAG_KEY, "true");
    instances = new HashMap<>();
    instances.put("managed", fixtures.launch(cnf, "optional", 1));
    instances.put("karpenter", fixtures.launch(Instances.KARPENTER_PROD, "optional", 1));
    instances.put("self-managed", fixtures.launch(Instances.SELF_MANAGED_PROD, "required", 2));
    instances.put("staging", fixtures.launch(Map.of("eks:cluster-name", "staging"), "optional", 1));
    instances.put("bastion", fixtures.launch(Map.of("Name", "bastion"), "optional", 1));
    instances.put("opted-out", fixtures.launch(optedOut, "optional", 1));
    before = new HashMap<>();
    instances.values().forEach(id -> before.put(id, fixtures.options(id)));
  }

  @AfterAll
  static void stopProxy() {
    proxy.close();
  }

  @BeforeEach
  void clear() {
    proxy.clear();
    iam.clear();
    iam.reading(MetadataReading.B);
  }

  private static ImdsService imds() {
    return ImdsServices.of(
        new SdkEc2Gateway(Ec2Fixtures.client(proxy.endpoint())),
        null,
        RemediatorConfig.parse(CONFIG, "test"),
        BoundedWait.system(),
        Clock.systemUTC(),
        (input, eventId, result) -> {},
        Metrics.NONE);
  }

  private static PermissionsReport imdsCheck() {
    Report report =
        imds()
            .handle(
                EventParser.parse("{\"check\": \"permissions\"}".getBytes(StandardCharsets.UTF_8)),
                false);
    return report.permissions();
  }

  private static Map<String, Probe> byProbe(PermissionsReport report) {
    Map<String, Probe> map = new HashMap<>();
    report.probes().forEach(p -> map.put(p.probe(), p));
    return map;
  }

  @Test
  void imdsCheck_underReadingB_allowsHardeningEveryKind_refusesLooseningAndOutOfScope() {
    PermissionsReport report = imdsCheck();

    assertThat(report.passed()).as(report.toString()).isTrue();
    assertThat(report.probes())
        .as(report.toString())
        .allSatisfy(p -> assertThat(p.verdict()).isEqualTo(Probe.Verdict.ok));
    Map<String, Probe> probes = byProbe(report);
    assertThat(probes.keySet())
        .contains(
            "harden a managed-node-group node of prod",
            "harden a karpenter node of prod",
            "harden a self-managed node of prod",
            "set HttpTokens to optional",
            "set a hop limit outside [1, 2]");
    assertThat(probes.get("harden a managed-node-group node of prod").answer())
        .isEqualTo("allowed (DryRunOperation)");
    assertThat(probes.get("set HttpTokens to optional").answer())
        .isEqualTo("refused (UnauthorizedOperation)");
    assertThat(report.probes())
        .filteredOn(p -> p.probe().startsWith("touch an instance out of scope"))
        .singleElement()
        .satisfies(p -> assertThat(p.answer()).isEqualTo("refused (UnauthorizedOperation)"));
    // Only dry runs were sent, and nothing changed.
    assertThat(proxy.calls("ModifyInstanceMetadataOptions"))
        .isNotEmpty()
        .allSatisfy(c -> assertThat(c.param("DryRun")).isEqualTo("true"));
    before.forEach((id, options) -> assertThat(fixtures.options(id)).isEqualTo(options));
  }

  @Test
  void imdsCheck_underReadingC_warnsThatLooseningIsNotRefused_butStillPasses() {
    iam.reading(MetadataReading.C);

    PermissionsReport report = imdsCheck();

    assertThat(report.passed()).as(report.toString()).isTrue();
    Map<String, Probe> probes = byProbe(report);
    assertThat(probes.get("set HttpTokens to optional").verdict()).isEqualTo(Probe.Verdict.warn);
    assertThat(probes.get("set HttpTokens to optional").answer())
        .isEqualTo("allowed (DryRunOperation)");
    assertThat(probes.get("harden a karpenter node of prod").verdict()).isEqualTo(Probe.Verdict.ok);
    before.forEach((id, options) -> assertThat(fixtures.options(id)).isEqualTo(options));
  }

  @Test
  void imdsCheck_failsAndNamesTheProbe_whenTheRoleRefusesHardening() {
    // As a role missing its Allow would answer the first dry run.
    proxy.failNext("ModifyInstanceMetadataOptions", 1, 403, "UnauthorizedOperation");

    PermissionsReport report = imdsCheck();

    assertThat(report.passed()).isFalse();
    assertThat(report.summary()).startsWith("FAILED: ");
    assertThat(report.probes().get(0).verdict()).isEqualTo(Probe.Verdict.FAIL);
    assertThat(report.failureSummary()).contains(report.probes().get(0).probe());
  }

  @Test
  void eniCheck_allowsOurTaggedInterface_refusesAnUntaggedOne() {
    SdkNetworkGateway gateway =
        new SdkNetworkGateway(Ec2Fixtures.client(proxy.endpoint(), Ec2Fixtures.ENI_ACCESS_KEY));
    PermissionsReport report =
        new EniPermissionsCheck(gateway, RemediatorConfig.parse(CONFIG, "test"), Clock.systemUTC())
            .check();

    iam.assertNoUnexpectedRefusals();
    assertThat(report.passed()).as(report.toString()).isTrue();
    Map<String, Probe> probes = byProbe(report);
    assertThat(probes.get("create profile multus-data's interface, tagged as ours").answer())
        .as(report.toString())
        .isEqualTo("allowed (DryRunOperation)");
    assertThat(probes.get("create an interface without our tags").answer())
        .isEqualTo("refused (UnauthorizedOperation)");
    assertThat(report.notes()).anyMatch(n -> n.startsWith("no interface of ours exists yet"));
    assertThat(fixtures.ec2().describeNetworkInterfaces().networkInterfaces())
        .noneMatch(
            n -> n.tagSet().stream().anyMatch(t -> t.key().startsWith("eks-node-remediator")));
  }

  @Test
  void localCommand_handlesTheCheckPayload_printsTheTable_andExitsZero() throws Exception {
    LocalCommand.Run run =
        LocalCommand.run(
            "handle",
            "{\"check\": \"permissions\"}".getBytes(StandardCharsets.UTF_8),
            proxy.endpoint(),
            CONFIG,
            dir);

    assertThat(run.exit()).as(run.stderr()).isZero();
    assertThat(run.report().path("permissions").path("passed").asBoolean()).isTrue();
    assertThat(run.report().path("permissions").path("probes").size()).isGreaterThanOrEqualTo(5);
    List<String> dryRuns =
        proxy.calls("ModifyInstanceMetadataOptions").stream().map(c -> c.param("DryRun")).toList();
    assertThat(dryRuns).isNotEmpty().containsOnly("true");
  }
}
