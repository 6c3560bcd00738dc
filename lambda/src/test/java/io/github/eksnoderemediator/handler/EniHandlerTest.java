package io.github.eksnoderemediator.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import io.github.eksnoderemediator.eni.EniInstanceResult;
import io.github.eksnoderemediator.eni.EniReport;
import io.github.eksnoderemediator.eni.EniService;
import io.github.eksnoderemediator.eni.Failure;
import io.github.eksnoderemediator.events.InvalidInputException;
import io.github.eksnoderemediator.json.Json;
import io.github.eksnoderemediator.port.Ec2CallException.Kind;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.testing.SampleEvents;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class EniHandlerTest {
  private final EniService service = mock(EniService.class);
  private final EniHandler handler = new EniHandler(service);

  private static EniReport report(boolean eventBridge, boolean failed) {
    InstanceId id = new InstanceId("i-0a1b2c3d4e5f60001");
    EniInstanceResult.Subject subject = EniInstanceResult.about(id).inState("running");
    EniInstanceResult result =
        failed
            ? subject.failed(
                new Failure.Ec2Error("DescribeInstances failed: x", Kind.UNAVAILABLE),
                List.of(),
                false)
            : subject.skipped("no ENI profile matches this node", false);
    return EniReport.of(
        "EC2 state change to running", "e-1", eventBridge, false, List.of(result), null);
  }

  private String invoke(byte[] input) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    handler.handleRequest(new ByteArrayInputStream(input), out, null);
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void handleRequest_writesTheReportAsJson() throws Exception {
    when(service.handle(any(), anyBoolean(), any())).thenReturn(report(true, false));

    String json = invoke(SampleEvents.read("state-change-running.json"));

    assertThat(Json.MAPPER.readTree(json).path("results").get(0).path("decision").asText())
        .isEqualTo("skipped");
  }

  @Test
  void handleRequest_throwsForAFailedEventBridgeInvocation_soLambdaRetriesIt() {
    when(service.handle(any(), anyBoolean(), any())).thenReturn(report(true, true));

    assertThatThrownBy(() -> invoke(SampleEvents.read("state-change-running.json")))
        .isInstanceOf(RemediationFailedException.class)
        .hasMessage("1 instance(s) failed: i-0a1b2c3d4e5f60001: DescribeInstances failed: x");
  }

  @Test
  void handleRequest_returnsTheFailure_toAManualCaller() throws Exception {
    when(service.handle(any(), anyBoolean(), any())).thenReturn(report(false, true));

    String json = invoke(SampleEvents.read("manual-one-instance.json"));

    assertThat(json).contains("\"decision\":\"failed\"");
  }

  @Test
  void handleRequest_rejectsMalformedInput_beforeAnyAwsCall() {
    assertThatThrownBy(() -> invoke(SampleEvents.read("invalid/manual-wrong-id-kind.json")))
        .isInstanceOf(InvalidInputException.class);
    verifyNoInteractions(service);
  }

  @Test
  void sqsBatch_handlesEachMessageAlone_andNamesTheFailedAndTheMalformed() throws Exception {
    byte[] running = SampleEvents.read("state-change-running.json");
    when(service.handle(any(), anyBoolean(), any()))
        .thenReturn(report(true, false))
        .thenReturn(report(true, true));

    String json =
        invoke(
            io.github.eksnoderemediator.testing.SqsBatches.event(
                List.of(
                    new io.github.eksnoderemediator.testing.SqsBatches.Message("a", running, 1),
                    new io.github.eksnoderemediator.testing.SqsBatches.Message("b", running, 1),
                    new io.github.eksnoderemediator.testing.SqsBatches.Message(
                        "c", "{\"instanceId\": 1}".getBytes(StandardCharsets.UTF_8), 1))));

    assertThat(Json.MAPPER.readTree(json))
        .isEqualTo(
            Json.MAPPER.readTree(
                "{\"batchItemFailures\": [{\"itemIdentifier\": \"b\"},"
                    + " {\"itemIdentifier\": \"c\"}]}"));
    org.mockito.Mockito.verify(service, org.mockito.Mockito.times(2))
        .handle(any(), anyBoolean(), any());
  }
}
