package io.github.eksnoderemediator.handler;

import static io.github.eksnoderemediator.testing.Instances.MANAGED_PROD;
import static io.github.eksnoderemediator.testing.Instances.imdsV1;
import static io.github.eksnoderemediator.testing.Instances.running;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.events.InvalidInputException;
import io.github.eksnoderemediator.imds.ImdsService;
import io.github.eksnoderemediator.json.Json;
import io.github.eksnoderemediator.metrics.Metrics;
import io.github.eksnoderemediator.port.Ec2CallException;
import io.github.eksnoderemediator.port.Ec2Gateway;
import io.github.eksnoderemediator.port.EksGateway;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.report.InstanceResult;
import io.github.eksnoderemediator.report.Report;
import io.github.eksnoderemediator.testing.ImdsServices;
import io.github.eksnoderemediator.testing.MutableClock;
import io.github.eksnoderemediator.testing.SampleEvents;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mockito.Mock;
import org.mockito.junit.jupiter.MockitoExtension;

@ExtendWith(MockitoExtension.class)
class ImdsHandlerTest {
  private static final InstanceId MNG = new InstanceId("i-0a1b2c3d4e5f60002");

  @Mock Ec2Gateway ec2;
  @Mock EksGateway eks;
  private final List<InstanceResult> logged = new ArrayList<>();
  private ImdsHandler handler;

  @BeforeEach
  void setUp() {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-21T00:00:00Z"));
    RemediatorConfig config =
        RemediatorConfig.parse("{\"waits\": {\"notFoundSeconds\": 0}}", "test");
    ImdsService service =
        ImdsServices.of(
            ec2,
            eks,
            config,
            clock.boundedWait(),
            clock,
            (input, id, r) -> logged.add(r),
            Metrics.NONE);
    handler = new ImdsHandler(service);
  }

  private JsonNode invoke(String eventFile) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    handler.handleRequest(new ByteArrayInputStream(SampleEvents.read(eventFile)), out, null);
    return Json.MAPPER.readTree(out.toByteArray());
  }

  @Test
  void handleRequest_returnsTheReport_andLogsEveryDecision() throws Exception {
    when(ec2.describeInstance(MNG)).thenReturn(Optional.of(running(MANAGED_PROD, imdsV1())));
    when(ec2.modifyMetadataOptions(any(), any())).thenAnswer(a -> a.getArgument(1));

    JsonNode report = invoke("cloudtrail-runinstances-managed-nodegroup.json");

    assertThat(report.path("input").asText()).isEqualTo("RunInstances via CloudTrail");
    assertThat(report.path("results").get(0).path("decision").asText()).isEqualTo("changed");
    assertThat(report.path("summary").path("changed").asInt()).isEqualTo(1);
    assertThat(logged).hasSize(1);
  }

  @Test
  void handleRequest_ignoresAFailedLaunch_withoutAnyAwsCall() throws Exception {
    JsonNode report = invoke("cloudtrail-runinstances-failed.json");

    assertThat(report.path("ignored").asText())
        .isEqualTo(
            "RunInstances failed (Server.InsufficientInstanceCapacity): it launched no instances");
    verifyNoInteractions(ec2);
  }

  @Test
  void handleRequest_ignoresStatesThatNeedNoRemediation() throws Exception {
    assertThat(invoke("state-change-stopped.json").path("ignored").asText())
        .isEqualTo("state stopped needs no IMDS remediation");
    verifyNoInteractions(ec2);
  }

  @Test
  void handleRequest_throwsSoLambdaRetries_whenAnEventBridgeInstanceFailed() {
    when(ec2.describeInstance(MNG))
        .thenThrow(
            new Ec2CallException(Ec2CallException.Kind.UNAVAILABLE, "InternalError", "boom", null));

    assertThatThrownBy(() -> invoke("cloudtrail-runinstances-managed-nodegroup.json"))
        .isInstanceOf(RemediationFailedException.class)
        .hasMessage(
            "1 instance(s) failed: i-0a1b2c3d4e5f60002: DescribeInstances failed: InternalError: boom");
  }

  @Test
  void handleRequest_returnsTheFailure_forAManualCall() throws Exception {
    when(ec2.describeInstance(MNG))
        .thenThrow(
            new Ec2CallException(Ec2CallException.Kind.UNAVAILABLE, "InternalError", "boom", null));

    JsonNode report = invoke("manual-one-instance.json");

    assertThat(report.path("results").get(0).path("decision").asText()).isEqualTo("failed");
    assertThat(report.path("results").get(0).path("retryable").asBoolean()).isTrue();
  }

  @Test
  void handleRequest_rejectsBadInput_withOneLine_andNoAwsCall() {
    assertThatThrownBy(() -> invoke("invalid/manual-wrong-id-kind.json"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("instanceId")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    verifyNoInteractions(ec2);
  }

  @Test
  void process_forceDryRun_writesNothing() {
    when(ec2.describeInstance(MNG)).thenReturn(Optional.of(running(MANAGED_PROD, imdsV1())));

    Report report = handler.process(SampleEvents.read("manual-one-instance.json"), true);

    assertThat(report.dryRun()).isTrue();
    assertThat(report.results().get(0).dryRun()).isTrue();
    verify(ec2, never()).modifyMetadataOptions(any(), any());
  }

  @Test
  void process_dryRunFromThePayload_writesNothing() {
    when(ec2.describeInstance(any())).thenReturn(Optional.of(running(MANAGED_PROD, imdsV1())));

    Report report =
        handler.process(SampleEvents.read("manual-several-instances-dry-run.json"), false);

    assertThat(report.dryRun()).isTrue();
    assertThat(report.results()).hasSize(3);
    verify(ec2, never()).modifyMetadataOptions(any(), any());
    assertThat(
            new String(
                Json.compact(report).getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))
        .contains("\"dryRun\":true");
  }
}
