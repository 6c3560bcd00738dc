package io.github.eksnoderemediator.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.eksnoderemediator.aws.SdkEc2Gateway;
import io.github.eksnoderemediator.aws.SdkNetworkGateway;
import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.eni.EniReport;
import io.github.eksnoderemediator.eni.EniService;
import io.github.eksnoderemediator.events.EventParser;
import io.github.eksnoderemediator.iam.IamEnforcement;
import io.github.eksnoderemediator.imds.ImdsService;
import io.github.eksnoderemediator.infra.iam.MetadataReading;
import io.github.eksnoderemediator.metrics.Metrics;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.report.Decision;
import io.github.eksnoderemediator.report.Report;
import io.github.eksnoderemediator.testing.Ec2Fixtures;
import io.github.eksnoderemediator.testing.EniServices;
import io.github.eksnoderemediator.testing.ImdsServices;
import io.github.eksnoderemediator.testing.Instances;
import io.github.eksnoderemediator.testing.MotoServer;
import io.github.eksnoderemediator.testing.RecordingProxy;
import io.github.eksnoderemediator.wait.BoundedWait;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Tag;

/**
 * Both functions' main work, end to end, under each reading of EC2's metadata condition keys
 * (docs/iam.md, "Three readings"): the synthesized roles must let the functions harden every kind
 * of node and create, attach and clean up their interfaces whatever EC2 tells IAM. The other system
 * tests run under reading B.
 */
class IamReadingsIT {
  private static final String CONFIG =
      """
      {"clusters": ["prod"],
       "imds": {"overrides": [{"cluster": "prod", "nodePool": "batch", "hopLimit": 1}]},
       "eni": {"profiles": [
         {"name": "multus-data", "cluster": "prod", "nodeGroup": "cnf",
          "subnets": {"tags": {"multus": "data"}}, "securityGroups": {"names": ["multus-data"]},
          "deviceIndex": 1}]},
       "waits": {"notFoundSeconds": 2, "tagSettleSeconds": 1, "appliedSeconds": 2,
                 "firstBackoffMillis": 100}}
      """;

  static Stream<MetadataReading> readings() {
    return Stream.of(MetadataReading.A, MetadataReading.B, MetadataReading.C);
  }

  @ParameterizedTest(name = "reading {0}")
  @MethodSource("readings")
  void bothFunctions_doTheirWork_andIamAllowsEveryCall(MetadataReading reading) throws Exception {
    MotoServer moto = MotoServer.shared();
    moto.reset();
    try (RecordingProxy proxy = new RecordingProxy(moto.endpoint())) {
      IamEnforcement iam = IamEnforcement.on(proxy, moto.endpoint(), CONFIG, reading);
      Ec2Fixtures fixtures = new Ec2Fixtures(moto.endpoint());
      Ec2Client ec2 = fixtures.ec2();
      String subnet = fixtures.subnetId();
      var launches = ec2.describeSubnets(r -> r.subnetIds(subnet)).subnets().get(0);
      String vpc = launches.vpcId();
      String zone = launches.availabilityZone();
      String data =
          ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock("10.0.96.0/20").availabilityZone(zone))
              .subnet()
              .subnetId();
      ec2.createTags(
          r -> r.resources(data).tags(Tag.builder().key("multus").value("data").build()));
      ec2.createSecurityGroup(r -> r.vpcId(vpc).groupName("multus-data").description("data"));
      Map<String, String> cnf = new HashMap<>(Instances.MANAGED_PROD);
      cnf.put("eks:nodegroup-name", "cnf");
      Map<String, String> batch = new HashMap<>(Instances.KARPENTER_PROD);
      InstanceId managed = fixtures.launchInto(subnet, 1, cnf).get(0);
      InstanceId karpenter = fixtures.launch(batch, "optional", 2);
      InstanceId selfManaged = fixtures.launch(Instances.SELF_MANAGED_PROD, "optional", 64);

      // IMDS: every kind of node hardened to its band.
      Report report = imds(proxy).handle(manual(managed, karpenter, selfManaged), false);
      assertThat(report.results()).extracting(r -> r.decision()).containsOnly(Decision.CHANGED);
      assertThat(fixtures.options(managed)).isEqualTo("required/1/enabled");
      assertThat(fixtures.options(karpenter)).isEqualTo("required/1/enabled");
      assertThat(fixtures.options(selfManaged)).isEqualTo("required/2/enabled");

      // ENI: the profile's interface created, tagged and attached; cleaned up on termination.
      EniService eni = eni(proxy);
      EniReport reconciled = eni.handle(manual(managed), false);
      assertThat(reconciled.failures()).as(reconciled.toString()).isEmpty();
      assertThat(ours(ec2)).hasSize(1);
      fixtures.terminate(managed);
      EniReport cleaned = eni.handle(stateChange(managed, "terminated"), false);
      assertThat(cleaned.failures()).as(cleaned.toString()).isEmpty();
      assertThat(ours(ec2)).isEmpty();

      iam.assertNoUnexpectedRefusals();
      assertThat(proxy.calls("ModifyInstanceMetadataOptions")).hasSize(3);
    }
  }

  private static List<String> ours(Ec2Client ec2) {
    return ec2.describeNetworkInterfaces().networkInterfaces().stream()
        .filter(n -> n.tagSet().stream().anyMatch(t -> t.key().startsWith("eks-node-remediator/")))
        .map(n -> n.networkInterfaceId())
        .toList();
  }

  private static io.github.eksnoderemediator.events.Input manual(InstanceId... ids) {
    StringBuilder json = new StringBuilder("{\"instanceIds\": [");
    for (int i = 0; i < ids.length; i++) {
      json.append(i == 0 ? "" : ", ").append('"').append(ids[i].value()).append('"');
    }
    return EventParser.parse(json.append("]}").toString().getBytes(StandardCharsets.UTF_8));
  }

  private static io.github.eksnoderemediator.events.Input stateChange(InstanceId id, String state) {
    return EventParser.parse(
        io.github.eksnoderemediator.testing.SampleEvents.readString("state-change-running.json")
            .replace("i-0a1b2c3d4e5f60001", id.value())
            .replace("\"state\": \"running\"", "\"state\": \"" + state + "\"")
            .getBytes(StandardCharsets.UTF_8));
  }

  private static ImdsService imds(RecordingProxy proxy) {
    return ImdsServices.of(
        new SdkEc2Gateway(Ec2Fixtures.client(proxy.endpoint())),
        null,
        RemediatorConfig.parse(CONFIG, "test"),
        BoundedWait.system(),
        Clock.systemUTC(),
        (input, eventId, result) -> {},
        Metrics.NONE);
  }

  private static EniService eni(RecordingProxy proxy) {
    RemediatorConfig config = RemediatorConfig.parse(CONFIG, "test");
    SdkNetworkGateway gateway =
        new SdkNetworkGateway(Ec2Fixtures.client(proxy.endpoint(), Ec2Fixtures.ENI_ACCESS_KEY));
    return EniServices.of(
        gateway, config, BoundedWait.system(), Clock.systemUTC(), (i, e, r) -> {}, Metrics.NONE);
  }
}
