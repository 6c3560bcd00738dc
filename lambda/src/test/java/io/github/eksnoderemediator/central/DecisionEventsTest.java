package io.github.eksnoderemediator.central;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.eksnoderemediator.json.Json;
import io.github.eksnoderemediator.metrics.Metrics;
import io.github.eksnoderemediator.port.EventBus;
import io.github.eksnoderemediator.testing.RecordingMetrics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Batching, the size limit, failed entries and best effort, against a bus that records calls. */
class DecisionEventsTest {
  private final RecordingMetrics metrics = new RecordingMetrics();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final Clock clock = Clock.fixed(Instant.parse("2026-11-27T12:00:00Z"), ZoneOffset.UTC);

  /** A bus that answers each call with {@code answer} and keeps what it was sent. */
  private static final class RecordingBus implements EventBus {
    final List<List<Entry>> calls = new ArrayList<>();
    final Function<List<Entry>, List<String>> answer;

    RecordingBus(Function<List<Entry>, List<String>> answer) {
      this.answer = answer;
    }

    @Override
    public List<String> put(List<Entry> entries) {
      calls.add(List.copyOf(entries));
      return answer.apply(entries);
    }
  }

  private static List<String> allAccepted(List<EventBus.Entry> entries) {
    return entries.stream().map(e -> (String) null).toList();
  }

  private DecisionEvents events(EventBus bus) {
    return new DecisionEvents(
        bus, metrics, new PrintStream(err, true, StandardCharsets.UTF_8), clock);
  }

  private static DecisionEvent failed(String instance) {
    return failed(instance, "describe failed");
  }

  private static DecisionEvent failed(String instance, String reason) {
    return new DecisionEvent(
        1,
        "imds",
        DecisionEvent.Outcome.FAILED,
        "failed",
        instance,
        "prod",
        "general",
        null,
        reason,
        null,
        null,
        null,
        null,
        true,
        "manual request",
        null);
  }

  @Test
  void publish_sendsAtMostTenEntriesPerCall_inOrder_withSourceAndDetailType() {
    RecordingBus bus = new RecordingBus(DecisionEventsTest::allAccepted);
    DecisionEvents events = events(bus);
    IntStream.range(0, 23).forEach(i -> events.add(failed("i-" + i)));

    events.publish();

    assertThat(bus.calls).extracting(List::size).containsExactly(10, 10, 3);
    EventBus.Entry first = bus.calls.get(0).get(0);
    assertThat(first.source()).isEqualTo("eks-node-remediator");
    assertThat(first.detailType()).isEqualTo("EKS Node Remediator Decision");
    JsonNode detail = Json.parse(first.detail().getBytes(StandardCharsets.UTF_8), "detail");
    assertThat(detail.path("instanceId").asText()).isEqualTo("i-0");
    assertThat(detail.path("outcome").asText()).isEqualTo("failed");
    assertThat(detail.path("schemaVersion").asInt()).isEqualTo(1);
    assertThat(bus.calls.get(2).get(2).detail()).contains("\"i-22\"");
    assertThat(metrics.flushed("prod", Metrics.DECISION_EVENTS_PUBLISHED)).isZero();
    metrics.flush();
    assertThat(metrics.flushed("prod", Metrics.DECISION_EVENTS_PUBLISHED)).isEqualTo(23);
    assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void publish_sendsEachEventOnce_andNothingAfterward() {
    RecordingBus bus = new RecordingBus(DecisionEventsTest::allAccepted);
    DecisionEvents events = events(bus);
    events.add(failed("i-1"));
    events.publish();
    events.publish();

    assertThat(bus.calls).hasSize(1);
  }

  @Test
  void batches_closeBeforeTheRequestSizeLimit_countedAsEventBridgeCountsIt() {
    RecordingBus bus = new RecordingBus(DecisionEventsTest::allAccepted);
    String reason = "x".repeat(900);
    long one =
        DecisionEvents.size(
            new EventBus.Entry(
                DecisionEvent.SOURCE,
                DecisionEvent.DETAIL_TYPE,
                Json.compact(failed("i-0", reason))));
    // Room for exactly three entries per request (a request must stay below the limit).
    DecisionEvents events =
        new DecisionEvents(
            bus,
            metrics,
            new PrintStream(err, true, StandardCharsets.UTF_8),
            clock,
            (int) (3 * one + 1));
    IntStream.range(0, 7).forEach(i -> events.add(failed("i-" + i, reason)));

    events.publish();

    assertThat(bus.calls).extracting(List::size).containsExactly(3, 3, 1);
    bus.calls.forEach(
        call ->
            assertThat(call.stream().mapToLong(DecisionEvents::size).sum())
                .isLessThan(3 * one + 1));
  }

  @Test
  void size_isTheUtf8BytesOfSourceDetailTypeAndDetail() {
    assertThat(DecisionEvents.size(new EventBus.Entry("ab", "c", "{\"é\":1}")))
        .isEqualTo(2 + 1 + 8);
  }

  @Test
  void aReasonCannotMakeAnEventLarge_itIsClipped() {
    DecisionEvent huge = failed("i-1", "y".repeat(300_000));
    assertThat(huge.reason()).hasSize(DecisionEvent.MAX_REASON);
    assertThat(Json.compact(huge).length()).isLessThan(2_000);
  }

  @Test
  void entriesEventBridgeFails_areSentOnceMore_andOnlyThose() {
    List<Integer> callNo = new ArrayList<>();
    RecordingBus bus =
        new RecordingBus(
            entries -> {
              callNo.add(1);
              if (callNo.size() == 1) {
                List<String> codes = new ArrayList<>(allAccepted(entries));
                codes.set(1, "ThrottlingException");
                codes.set(3, "InternalFailure");
                return codes;
              }
              return allAccepted(entries);
            });
    DecisionEvents events = events(bus);
    IntStream.range(0, 5).forEach(i -> events.add(failed("i-" + i)));

    events.publish();

    assertThat(bus.calls).hasSize(2);
    assertThat(bus.calls.get(1))
        .extracting(EventBus.Entry::detail)
        .satisfiesExactlyInAnyOrder(
            d -> assertThat(d).contains("\"i-1\""), d -> assertThat(d).contains("\"i-3\""));
    metrics.flush();
    assertThat(metrics.flushed("prod", Metrics.DECISION_EVENTS_PUBLISHED)).isEqualTo(5);
    assertThat(metrics.flushed("prod", Metrics.DECISION_EVENTS_UNSENT)).isZero();
  }

  @Test
  void anEntryThatFailsTwice_isLoggedAndCounted_notRetriedAThirdTime() {
    RecordingBus bus =
        new RecordingBus(
            entries ->
                entries.stream()
                    .map(e -> e.detail().contains("\"i-2\"") ? "ThrottlingException" : null)
                    .toList());
    DecisionEvents events = events(bus);
    IntStream.range(0, 3).forEach(i -> events.add(failed("i-" + i)));

    events.publish();

    assertThat(bus.calls).extracting(List::size).containsExactly(3, 1);
    metrics.flush();
    assertThat(metrics.flushed("prod", Metrics.DECISION_EVENTS_PUBLISHED)).isEqualTo(2);
    assertThat(metrics.flushed("prod", Metrics.DECISION_EVENTS_UNSENT)).isEqualTo(1);
    JsonNode line = Json.parse(err.toByteArray(), "log line");
    assertThat(line.path("level").asText()).isEqualTo("WARN");
    assertThat(line.path("message").asText()).isEqualTo("decision events not published");
    assertThat(line.path("errorCode").asText()).isEqualTo("ThrottlingException");
    assertThat(line.path("instances").get(0).asText()).isEqualTo("i-2");
  }

  @Test
  void aCallThatFails_neverThrows_isNotRetriedByUs_andEveryEntryIsCountedUnsent() {
    RecordingBus bus =
        new RecordingBus(
            entries -> {
              throw new EventBus.CallFailed(
                  "AccessDeniedException", "not authorized\nto PutEvents", null);
            });
    DecisionEvents events = events(bus);
    IntStream.range(0, 12).forEach(i -> events.add(failed("i-" + i)));

    assertThatCode(events::publish).doesNotThrowAnyException();

    // One call per batch; the SDK already retried each, we do not retry a whole call again.
    assertThat(bus.calls).hasSize(2);
    metrics.flush();
    assertThat(metrics.flushed("prod", Metrics.DECISION_EVENTS_UNSENT)).isEqualTo(12);
    String log = err.toString(StandardCharsets.UTF_8);
    assertThat(log.lines()).hasSize(2);
    assertThat(log)
        .contains("\"errorCode\":\"AccessDeniedException\"")
        .contains("not authorized to PutEvents");
  }

  @Test
  void off_publishesNothing_andNeverTouchesABus() {
    DecisionEvents off = DecisionEvents.OFF;
    off.add(failed("i-1"));
    assertThatCode(off::publish).doesNotThrowAnyException();
    assertThat(off.on()).isFalse();
  }
}
