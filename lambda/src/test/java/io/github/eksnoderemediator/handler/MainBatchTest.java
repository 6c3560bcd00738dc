package io.github.eksnoderemediator.handler;

import static io.github.eksnoderemediator.testing.Instances.MANAGED_PROD;
import static io.github.eksnoderemediator.testing.Instances.imdsV1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyCollection;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.lenient;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.json.Json;
import io.github.eksnoderemediator.metrics.Metrics;
import io.github.eksnoderemediator.port.Ec2CallException;
import io.github.eksnoderemediator.port.Ec2Gateway;
import io.github.eksnoderemediator.port.EksGateway;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.port.InstanceState;
import io.github.eksnoderemediator.port.InstanceView;
import io.github.eksnoderemediator.report.InstanceResult;
import io.github.eksnoderemediator.testing.ImdsServices;
import io.github.eksnoderemediator.testing.Instances;
import io.github.eksnoderemediator.testing.MutableClock;
import io.github.eksnoderemediator.testing.SampleEvents;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mockito.Mock;
import org.mockito.junit.jupiter.MockitoExtension;

/**
 * The local command on an SQS batch ({@code events/sqs/launch-batch.json}) against the handler
 * Lambda invokes with it: the same batch response, and a report holding exactly what the handler
 * logged.
 */
@ExtendWith(MockitoExtension.class)
class MainBatchTest {
  private static final InstanceId PENDING_AND_RUNNING = new InstanceId("i-0a1b2c3d4e5f60001");
  private static final InstanceId LAUNCHED = new InstanceId("i-0a1b2c3d4e5f60002");
  private static final String BATCH = "sqs/launch-batch.json";

  @Mock Ec2Gateway ec2;
  @Mock EksGateway eks;
  private final List<InstanceResult> logged = new ArrayList<>();
  private ImdsHandler handler;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeEach
  void setUp() {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-21T00:00:00Z"));
    handler =
        new ImdsHandler(
            ImdsServices.of(
                ec2,
                eks,
                RemediatorConfig.parse("{\"waits\": {\"notFoundSeconds\": 0}}", "test"),
                clock.boundedWait(),
                clock,
                (input, id, r) -> logged.add(r),
                Metrics.NONE));
    lenient()
        .when(ec2.describeInstances(anyCollection()))
        .thenReturn(
            Map.of(PENDING_AND_RUNNING, node(PENDING_AND_RUNNING), LAUNCHED, node(LAUNCHED)));
  }

  private static InstanceView node(InstanceId id) {
    return new InstanceView(
        id, InstanceState.RUNNING, MANAGED_PROD, imdsV1(), Instances.LAUNCHED, Optional.empty());
  }

  private int runLocal(String... args) {
    return Main.run(
        List.of(args),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        verb -> Main.local(handler));
  }

  private JsonNode invokeHandler() throws Exception {
    ByteArrayOutputStream answer = new ByteArrayOutputStream();
    handler.handleRequest(new ByteArrayInputStream(SampleEvents.read(BATCH)), answer, null);
    return Json.MAPPER.readTree(answer.toByteArray());
  }

  @Test
  void aBatch_givesTheHandlersBatchResponse_andReportsWhatTheHandlerLogged() throws Exception {
    when(ec2.modifyMetadataOptionsOnce(any(), any())).thenAnswer(a -> a.getArgument(1));
    String file = SampleEvents.eventsDir().resolve(BATCH).toString();

    int exit = runLocal("handle", file);
    JsonNode printed = Json.MAPPER.readTree(out.toByteArray());
    List<InstanceResult> fromLocal = List.copyOf(logged);
    logged.clear();
    JsonNode fromHandler = invokeHandler();

    assertThat(exit).isEqualTo(Main.OK);
    assertThat(printed.get("batchResponse")).isEqualTo(fromHandler);
    assertThat(fromHandler.toString()).isEqualTo("{\"batchItemFailures\":[]}");
    assertThat(printed.get("reports")).hasSize(1);
    JsonNode report = printed.get("reports").get(0);
    assertThat(report.get("input").asText()).isEqualTo("launch queue batch of 3 message(s)");
    // The two instances once each, as the handler decided and logged them.
    assertThat(report.get("results")).isEqualTo(Json.MAPPER.valueToTree(logged));
    assertThat(logged).isEqualTo(fromLocal);
    assertThat(logged)
        .extracting(InstanceResult::instanceId)
        .containsExactly(PENDING_AND_RUNNING.value(), LAUNCHED.value());
    assertThat(logged)
        .extracting(InstanceResult::decision)
        .containsOnly(io.github.eksnoderemediator.report.Decision.CHANGED);
  }

  @Test
  void aBatchWithAFailedInstance_namesItsMessages_andExitsOne() throws Exception {
    when(ec2.modifyMetadataOptionsOnce(eq(PENDING_AND_RUNNING), any()))
        .thenAnswer(a -> a.getArgument(1));
    when(ec2.modifyMetadataOptionsOnce(eq(LAUNCHED), any()))
        .thenThrow(
            new Ec2CallException(
                Ec2CallException.Kind.UNAUTHORIZED,
                "UnauthorizedOperation",
                "You are not authorized.",
                null));
    String file = SampleEvents.eventsDir().resolve(BATCH).toString();

    int exit = runLocal("handle", file);
    JsonNode printed = Json.MAPPER.readTree(out.toByteArray());
    JsonNode fromHandler = invokeHandler();

    assertThat(exit).isEqualTo(Main.FAILED);
    assertThat(printed.get("batchResponse")).isEqualTo(fromHandler);
    // The CloudTrail launch (the third message) named the instance that failed.
    assertThat(fromHandler.get("batchItemFailures"))
        .singleElement()
        .satisfies(
            f ->
                assertThat(f.get("itemIdentifier").asText())
                    .isEqualTo("2b6d0c3a-8f4e-4a5c-9d3b-4c5e6f7a8b03"));
    assertThat(err.toString(StandardCharsets.UTF_8))
        .startsWith("error: 1 message(s) to deliver again: 2b6d0c3a-8f4e-4a5c-9d3b-4c5e6f7a8b03")
        .contains("UnauthorizedOperation")
        .doesNotContain("\n" + "error");
  }

  @Test
  void aBatchWithDryRun_writesNothing_andAnswersLikeTheFunction() throws Exception {
    String file = SampleEvents.eventsDir().resolve(BATCH).toString();

    int exit = runLocal("handle", file, "--dry-run");
    JsonNode printed = Json.MAPPER.readTree(out.toByteArray());

    assertThat(exit).isEqualTo(Main.OK);
    assertThat(printed.get("reports").get(0).get("dryRun").asBoolean()).isTrue();
    assertThat(printed.get("batchResponse").toString()).isEqualTo("{\"batchItemFailures\":[]}");
    verify(ec2, never()).modifyMetadataOptionsOnce(any(), any());
    verify(ec2, never()).modifyMetadataOptions(any(), any());
  }

  @Test
  void aBatchRecordWithoutABody_isRejectedWithOneLine_beforeBuildingAnyAwsClient() {
    String batch =
        "{\"Records\": [{\"messageId\": \"m-1\", \"eventSource\": \"aws:sqs\", \"body\": \"{}\"},"
            + " {\"messageId\": \"m-2\", \"eventSource\": \"aws:sqs\"}]}";

    int exit =
        Main.run(
            List.of("invoke", batch),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            verb -> {
              throw new AssertionError("no handler may be built for bad input");
            });

    assertThat(exit).isEqualTo(Main.BAD_INPUT);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .isEqualTo(
            "error: Records[1].body: expected a non-empty string, as SQS sends"
                + System.lineSeparator());
  }
}
