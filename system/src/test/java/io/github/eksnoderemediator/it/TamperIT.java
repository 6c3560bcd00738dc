package io.github.eksnoderemediator.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.eksnoderemediator.aws.SdkEc2Gateway;
import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.events.EventParser;
import io.github.eksnoderemediator.iam.IamChecks;
import io.github.eksnoderemediator.iam.IamEnforcement;
import io.github.eksnoderemediator.imds.ImdsService;
import io.github.eksnoderemediator.json.Json;
import io.github.eksnoderemediator.metrics.Metrics;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.report.Decision;
import io.github.eksnoderemediator.report.InstanceResult;
import io.github.eksnoderemediator.report.JsonLinesDecisionLog;
import io.github.eksnoderemediator.report.Report;
import io.github.eksnoderemediator.testing.Ec2Fixtures;
import io.github.eksnoderemediator.testing.ImdsServices;
import io.github.eksnoderemediator.testing.Instances;
import io.github.eksnoderemediator.testing.MotoServer;
import io.github.eksnoderemediator.testing.RecordingMetrics;
import io.github.eksnoderemediator.testing.RecordingProxy;
import io.github.eksnoderemediator.testing.SampleEvents;
import io.github.eksnoderemediator.wait.BoundedWait;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.ec2.model.HttpTokensState;

/**
 * Someone loosens a hardened node; the CloudTrail record of their call (the samples in events/,
 * with the emulator's instance id) comes in, and the node is hardened again at once, with the
 * caller named in the report, the log line and a metric.
 */
class TamperIT {
  private static RecordingProxy proxy;

  /** The synthesized roles must allow every call the test's code makes (reading B). */
  @RegisterExtension static final IamChecks IAM = new IamChecks();

  private static IamEnforcement iam;
  private static Ec2Fixtures fixtures;

  private final ByteArrayOutputStream logs = new ByteArrayOutputStream();
  private final RecordingMetrics metrics = new RecordingMetrics();
  private ImdsService service;

  @BeforeAll
  static void startProxy() throws Exception {
    MotoServer moto = MotoServer.shared();
    proxy = new RecordingProxy(moto.endpoint());
    iam = IAM.enforce(proxy, moto.endpoint(), "{}");
    fixtures = new Ec2Fixtures(moto.endpoint());
  }

  @AfterAll
  static void stopProxy() {
    proxy.close();
  }

  @BeforeEach
  void setUp() {
    Clock clock = Clock.systemUTC();
    service =
        ImdsServices.of(
            new SdkEc2Gateway(Ec2Fixtures.client(proxy.endpoint())),
            null,
            RemediatorConfig.DEFAULT,
            BoundedWait.system(),
            clock,
            new JsonLinesDecisionLog(new PrintStream(logs, true, StandardCharsets.UTF_8), clock),
            metrics);
    proxy.clear();
  }

  /** A hardened node, then loosened by hand as alice did: tokens optional, hop limit 3. */
  private static InstanceId loosenedNode() {
    InstanceId node = fixtures.launch(Instances.MANAGED_PROD, "required", 2);
    fixtures
        .ec2()
        .modifyInstanceMetadataOptions(
            r ->
                r.instanceId(node.value())
                    .httpTokens(HttpTokensState.OPTIONAL)
                    .httpPutResponseHopLimit(3)
                    // moto resets an omitted field instead of keeping it (AWS keeps it).
                    .httpEndpoint("enabled"));
    assertThat(fixtures.options(node)).isEqualTo("optional/3/enabled");
    return node;
  }

  private Report handle(String sample, InstanceId node, boolean dryRun) {
    Report report =
        service.handle(
            EventParser.parse(
                SampleEvents.withIds(sample, Map.of("i-0a1b2c3d4e5f60002", node.value()))),
            dryRun);
    metrics.flush();
    return report;
  }

  @Test
  void aUsersLoosening_isUndoneAtOnce_andAttributedInReportLogAndMetric() throws Exception {
    InstanceId node = loosenedNode();
    proxy.clear();

    Report report = handle("cloudtrail-modifyinstancemetadataoptions-by-user.json", node, false);

    assertThat(fixtures.options(node)).isEqualTo("required/2/enabled");
    assertThat(proxy.calls("ModifyInstanceMetadataOptions")).hasSize(1);
    InstanceResult r = report.results().get(0);
    assertThat(r.decision()).isEqualTo(Decision.CHANGED);
    assertThat(r.reason())
        .startsWith(
            "loosened by arn:aws:iam::123456789012:user/alice from 198.51.100.7 (aws-cli/2.22.4")
        .contains(
            "at 2026-11-20T15:12:40Z; HttpTokens optional -> required; hop limit lowered 3 -> 2");
    assertThat(r.caller().principal()).isEqualTo("arn:aws:iam::123456789012:user/alice");
    assertThat(r.caller().sourceIp()).isEqualTo("198.51.100.7");
    assertThat(r.caller().requested()).isEqualTo("HttpTokens optional, HttpPutResponseHopLimit 3");
    assertThat(report.input()).isEqualTo("ModifyInstanceMetadataOptions via CloudTrail");
    assertThat(metrics.flushed("prod", Metrics.NODES_LOOSENED)).isEqualTo(1);
    assertThat(metrics.flushed("prod", Metrics.NODES_REMEDIATED)).isEqualTo(1);

    JsonNode line =
        Json.MAPPER.readTree(logs.toString(StandardCharsets.UTF_8).lines().toList().get(0));
    assertThat(line.path("level").asText()).isEqualTo("WARN");
    assertThat(line.at("/result/caller/principal").asText())
        .isEqualTo("arn:aws:iam::123456789012:user/alice");
    assertThat(line.at("/result/caller/userAgent").asText()).startsWith("aws-cli/2.22.4");
  }

  @Test
  void dryRun_namesTheCallerAndWritesNothing() {
    InstanceId node = loosenedNode();
    proxy.clear();

    Report report = handle("cloudtrail-modifyinstancemetadataoptions-by-user.json", node, true);

    assertThat(proxy.calls("ModifyInstanceMetadataOptions")).isEmpty();
    assertThat(fixtures.options(node)).isEqualTo("optional/3/enabled");
    assertThat(report.results().get(0).reason())
        .startsWith("loosened by arn:aws:iam::123456789012:user/alice")
        .contains("dry run, would change: HttpTokens optional -> required");
    assertThat(metrics.flushed("prod", Metrics.NODES_LOOSENED)).isZero();
  }

  @Test
  void theFunctionsOwnWrite_sentByHand_findsTheNodeCompliant_andCountsNoLoosening() {
    InstanceId node = fixtures.launch(Instances.MANAGED_PROD, "required", 2);
    proxy.clear();

    Report report =
        handle("cloudtrail-modifyinstancemetadataoptions-by-remediator.json", node, false);

    assertThat(proxy.calls("ModifyInstanceMetadataOptions")).isEmpty();
    InstanceResult r = report.results().get(0);
    assertThat(r.decision()).isEqualTo(Decision.COMPLIANT);
    assertThat(r.reason()).startsWith("options changed by arn:aws:sts::123456789012:assumed-role/");
    assertThat(metrics.flushed("prod", Metrics.NODES_LOOSENED)).isZero();
  }

  @Test
  void aFailedCall_isIgnoredWithoutAnAwsCall() {
    InstanceId node = fixtures.launch(Instances.MANAGED_PROD, "optional", 1);
    proxy.clear();

    Report report = handle("cloudtrail-modifyinstancemetadataoptions-failed.json", node, false);

    assertThat(proxy.calls()).isEmpty();
    assertThat(report.ignored())
        .isEqualTo(
            "ModifyInstanceMetadataOptions by arn:aws:sts::123456789012:assumed-role/ci-deployer/"
                + "build-1234 from 192.0.2.44 (aws-cli/2.22.4 md/awscrt#0.23.4 ua/2.0"
                + " os/linux#6.8.0 md/arch#x86_64 lang/python#3.12.6"
                + " md/command#ec2.modify-instance-metadata-options) failed"
                + " (Client.UnauthorizedOperation): nothing changed");
  }
}
