package io.github.eksnoderemediator.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.eksnoderemediator.eni.EniTags;
import io.github.eksnoderemediator.iam.IamChecks;
import io.github.eksnoderemediator.iam.IamEnforcement;
import io.github.eksnoderemediator.json.Json;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.testing.Ec2Fixtures;
import io.github.eksnoderemediator.testing.LocalCommand;
import io.github.eksnoderemediator.testing.LocalCommand.Run;
import io.github.eksnoderemediator.testing.MotoServer;
import io.github.eksnoderemediator.testing.RecordingProxy;
import io.github.eksnoderemediator.testing.SampleEvents;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.NetworkInterface;
import software.amazon.awssdk.services.ec2.model.Tag;

/**
 * The ENI verb of the local command exactly as an operator runs it: {@code java -jar
 * lambda/target/remediator.jar handle-eni <file>}, configured only through the standard AWS
 * environment and {@code REMEDIATOR_CONFIG}, against the emulator behind a recording proxy.
 */
class EniLocalCommandIT {
  private static final String CONFIG =
      """
      {"clusters": ["prod"],
       "eni": {"profiles": [{"name": "local-data", "cluster": "prod", "nodeGroup": "local",
         "subnets": {"tags": {"local-multus": "data"}}, "securityGroups": {"names": ["local-data"]},
         "deviceIndex": 1}]},
       "waits": {"notFoundSeconds": 2, "firstBackoffMillis": 100}}
      """;
  private static RecordingProxy proxy;

  /** The synthesized roles must allow every call the test's code makes (reading B). */
  @RegisterExtension static final IamChecks IAM = new IamChecks();

  private static IamEnforcement iam;
  private static Ec2Fixtures fixtures;
  private static Ec2Client ec2;
  private static String nodeSubnet;
  private static String dataSubnet;

  @TempDir Path dir;

  @BeforeAll
  static void startEmulator() throws Exception {
    assertThat(LocalCommand.JAR).as("the shaded jar (built by mvn package)").exists();
    MotoServer moto = MotoServer.shared();
    proxy = new RecordingProxy(moto.endpoint());
    iam = IAM.enforce(proxy, MotoServer.shared().endpoint(), CONFIG);
    fixtures = new Ec2Fixtures(moto.endpoint());
    ec2 = fixtures.ec2();
    String vpc = ec2.createVpc(r -> r.cidrBlock("10.2.0.0/16")).vpc().vpcId();
    nodeSubnet =
        ec2.createSubnet(
                r ->
                    r.vpcId(vpc).cidrBlock("10.2.0.0/20").availabilityZone(MotoServer.REGION + "a"))
            .subnet()
            .subnetId();
    dataSubnet =
        ec2.createSubnet(
                r ->
                    r.vpcId(vpc)
                        .cidrBlock("10.2.16.0/20")
                        .availabilityZone(MotoServer.REGION + "a"))
            .subnet()
            .subnetId();
    ec2.createTags(
        r -> r.resources(dataSubnet).tags(Tag.builder().key("local-multus").value("data").build()));
    ec2.createSecurityGroup(r -> r.vpcId(vpc).groupName("local-data").description("local-data"));
  }

  @AfterAll
  static void stopProxy() {
    proxy.close();
  }

  @BeforeEach
  void clearCalls() {
    proxy.clear();
  }

  private Run run(byte[] input, String... extra) throws Exception {
    return LocalCommand.run("handle-eni", input, proxy.endpoint(), CONFIG, dir, extra);
  }

  private static List<NetworkInterface> oursFor(InstanceId id) {
    return ec2.describeNetworkInterfaces(
            r ->
                r.filters(
                    Filter.builder().name("tag:" + EniTags.INSTANCE).values(id.value()).build()))
        .networkInterfaces();
  }

  @Test
  void handleEni_dryRunShowsThePlan_thenARunningEventAttachesTheInterface() throws Exception {
    InstanceId node =
        fixtures
            .launchInto(
                nodeSubnet, 1, Map.of("eks:cluster-name", "prod", "eks:nodegroup-name", "local"))
            .get(0);
    byte[] running =
        SampleEvents.withIds(
            "state-change-running.json", Map.of("i-0a1b2c3d4e5f60001", node.value()));

    Run plan = run(running, "--dry-run");

    assertThat(plan.exit()).as(plan.stderr()).isZero();
    JsonNode planned = plan.report().path("results").get(0).path("interfaces").get(0);
    assertThat(planned.path("decision").asText()).isEqualTo("created");
    assertThat(planned.path("reason").asText())
        .startsWith("dry run, would create an interface in " + dataSubnet);
    assertThat(oursFor(node)).isEmpty();
    assertThat(proxy.calls())
        .extracting(RecordingProxy.Call::action)
        .allMatch(a -> a.startsWith("Describe"));

    Run applied = run(running);

    assertThat(applied.exit()).as(applied.stderr()).isZero();
    assertThat(
            applied
                .report()
                .path("results")
                .get(0)
                .path("interfaces")
                .get(0)
                .path("decision")
                .asText())
        .isEqualTo("created");
    assertThat(oursFor(node))
        .singleElement()
        .satisfies(
            n -> {
              assertThat(n.subnetId()).isEqualTo(dataSubnet);
              assertThat(n.attachment().instanceId()).isEqualTo(node.value());
              assertThat(n.attachment().deviceIndex()).isEqualTo(1);
            });
    // One JSON log line per instance on stderr, next to the EMF metrics line.
    assertThat(applied.stderr()).contains("\"_aws\"").contains("\"EnisCreated\"");
    assertThat(applied.stderr().lines().filter(l -> l.contains("\"message\":\"eni ")).toList())
        .singleElement()
        .satisfies(
            l -> {
              JsonNode line = Json.MAPPER.readTree(l);
              assertThat(line.path("message").asText()).isEqualTo("eni reconciled");
              assertThat(line.path("result").path("instanceId").asText()).isEqualTo(node.value());
            });
  }

  @Test
  void handleEni_eniCapacityReport_givesMaxPodsPerInstanceType_andWritesNothing() throws Exception {
    fixtures.launchInto(
        nodeSubnet, 1, Map.of("eks:cluster-name", "prod", "eks:nodegroup-name", "local"));

    Run r = run(SampleEvents.read("manual-eni-capacity.json"));

    assertThat(r.exit()).as(r.stderr()).isZero();
    JsonNode capacity = r.report().path("capacity");
    assertThat(capacity.path("nodes").asInt()).isPositive();
    assertThat(capacity.path("failures")).isEmpty();
    // The emulator's DescribeInstanceTypes figures for m5.large: 3 interfaces of 10 addresses.
    JsonNode m5 = capacity.path("instanceTypes").get(0);
    assertThat(m5.path("instanceType").asText()).isEqualTo("m5.large");
    assertThat(m5.path("profiles").get(0).asText()).isEqualTo("local-data");
    assertThat(m5.path("interfaces").asInt()).isEqualTo(3);
    assertThat(m5.path("ipv4PerInterface").asInt()).isEqualTo(10);
    assertThat(m5.path("leftToCni").asInt()).isEqualTo(2);
    assertThat(m5.path("defaultMaxPods").asInt()).isEqualTo(29);
    assertThat(m5.path("maxPods").asInt()).isEqualTo(20);
    assertThat(m5.has("warning")).isFalse();
    assertThat(proxy.calls())
        .extracting(RecordingProxy.Call::action)
        .contains("DescribeInstanceTypes")
        .allMatch(a -> a.startsWith("Describe"));
  }

  @Test
  void handleEni_rejectsMalformedInput_withExitTwo_oneLine_andNoAwsCall() throws Exception {
    for (String bad :
        List.of("invalid/truncated-state-change.json", "invalid/manual-misspelled-field.json")) {
      Run r = run(SampleEvents.read(bad));
      assertThat(r.exit()).as(bad).isEqualTo(2);
      assertThat(r.stderr().lines().toList()).as(bad).hasSize(1);
      assertThat(r.stderr()).as(bad).startsWith("error: ");
      assertThat(r.stdout()).as(bad).isEmpty();
    }
    assertThat(proxy.calls()).isEmpty();
  }
}
