package io.github.eksnoderemediator.central;

import static io.github.eksnoderemediator.testing.Instances.ID;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.eksnoderemediator.eni.EniDecision;
import io.github.eksnoderemediator.eni.EniInstanceResult;
import io.github.eksnoderemediator.eni.EniResult;
import io.github.eksnoderemediator.report.Attribution;
import io.github.eksnoderemediator.report.Decision;
import io.github.eksnoderemediator.report.InstanceResult;
import io.github.eksnoderemediator.report.OptionsView;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which decisions leave the account, and as what. */
class DecisionEventTest {
  private static final OptionsView WEAK = new OptionsView("optional", 2, "enabled", "applied");
  private static final OptionsView HARD = new OptionsView("required", 2, "enabled", "pending");
  private static final Attribution ALICE =
      new Attribution(
          "ModifyInstanceMetadataOptions",
          "arn:aws:iam::111122223333:user/alice",
          "IAMUser",
          null,
          "198.51.100.7",
          "aws-cli/2",
          null,
          "2026-11-27T11:59:00Z",
          "HttpTokens optional");

  private static InstanceResult imds(Decision decision, boolean dryRun) {
    return InstanceResult.of(ID, null, dryRun).before(WEAK).after(HARD).decide(decision, "why");
  }

  @Test
  void imds_changedDeferredAndFailed_areEvents_withBeforeAndAfter() {
    assertThat(DecisionEvent.of("in", "e-1", imds(Decision.CHANGED, false)))
        .hasValueSatisfying(
            e -> {
              assertThat(e.outcome()).isEqualTo(DecisionEvent.Outcome.CHANGED);
              assertThat(e.function()).isEqualTo("imds");
              assertThat(e.before()).isEqualTo(WEAK);
              assertThat(e.after()).isEqualTo(HARD);
              assertThat(e.instanceId()).isEqualTo(ID.value());
              assertThat(e.eventId()).isEqualTo("e-1");
            });
    assertThat(DecisionEvent.of("in", null, imds(Decision.DEFERRED, false)))
        .hasValueSatisfying(e -> assertThat(e.outcome()).isEqualTo(DecisionEvent.Outcome.DEFERRED));
    assertThat(
            DecisionEvent.of(
                "in", null, InstanceResult.of(ID, null, false).fail(true, "throttled")))
        .hasValueSatisfying(
            e -> {
              assertThat(e.outcome()).isEqualTo(DecisionEvent.Outcome.FAILED);
              assertThat(e.retryable()).isTrue();
            });
  }

  @Test
  void imds_compliantSkippedAndDryRuns_areNoEvents() {
    assertThat(DecisionEvent.of("in", null, imds(Decision.COMPLIANT, false))).isEmpty();
    assertThat(DecisionEvent.of("in", null, imds(Decision.SKIPPED, false))).isEmpty();
    assertThat(DecisionEvent.of("in", null, imds(Decision.CHANGED, true))).isEmpty();
  }

  @Test
  void imds_aNodeSomeoneLoosened_isTampered_withWhoDidIt_andWhatTheFunctionDid() {
    InstanceResult undone = imds(Decision.CHANGED, false).attributed(ALICE, "loosened by alice; ");
    assertThat(DecisionEvent.of("in", null, undone))
        .hasValueSatisfying(
            e -> {
              assertThat(e.outcome()).isEqualTo(DecisionEvent.Outcome.TAMPERED);
              assertThat(e.decision()).isEqualTo("changed");
              assertThat(e.by()).isEqualTo(ALICE);
            });
    // A launcher named on a node that arrived weak is not tampering.
    Attribution launcher =
        new Attribution("RunInstances", "asg", null, null, null, null, null, null, null);
    assertThat(DecisionEvent.of("in", null, imds(Decision.CHANGED, false).attributed(launcher, "")))
        .hasValueSatisfying(
            e -> {
              assertThat(e.outcome()).isEqualTo(DecisionEvent.Outcome.CHANGED);
              assertThat(e.by()).isNull();
            });
  }

  private static EniInstanceResult eni(EniInstanceResult.Outcome outcome, EniDecision... each) {
    List<EniResult> interfaces =
        java.util.Arrays.stream(each)
            .map(d -> new EniResult("multus", d, "r", "eni-1", 0, 1, null, null))
            .toList();
    return new EniInstanceResult(
        ID.value(),
        "prod",
        "managed",
        "g",
        null,
        "running",
        outcome,
        null,
        interfaces,
        false,
        null,
        null,
        null);
  }

  @Test
  void eni_writesAndFailuresAreEvents_alreadyPresentIsNot() {
    assertThat(
            DecisionEvent.of(
                "in", null, eni(EniInstanceResult.Outcome.RECONCILED, EniDecision.CREATED)))
        .hasValueSatisfying(
            e -> {
              assertThat(e.outcome()).isEqualTo(DecisionEvent.Outcome.CHANGED);
              assertThat(e.interfaces())
                  .containsExactly(new DecisionEvent.InterfaceLine("multus", "created", "eni-1"));
            });
    assertThat(
            DecisionEvent.of(
                "in", null, eni(EniInstanceResult.Outcome.RECONCILED, EniDecision.ALREADY_PRESENT)))
        .isEmpty();
    assertThat(
            DecisionEvent.of("in", null, eni(EniInstanceResult.Outcome.FAILED, EniDecision.FAILED)))
        .hasValueSatisfying(e -> assertThat(e.outcome()).isEqualTo(DecisionEvent.Outcome.FAILED));
    assertThat(DecisionEvent.of("in", null, eni(EniInstanceResult.Outcome.SKIPPED))).isEmpty();
  }

  @Test
  void eni_anInterfaceTouchedByOthers_isTampered() {
    DecisionEvent e = DecisionEvent.touched("in", "e-2", ALICE, "DetachNetworkInterface eni-1");
    assertThat(e.outcome()).isEqualTo(DecisionEvent.Outcome.TAMPERED);
    assertThat(e.function()).isEqualTo("eni");
    assertThat(e.by()).isEqualTo(ALICE);
  }

  @Test
  void publishingLogs_writeTheLineAndKeepTheEvent_untilFlush() {
    List<EventBusCall> calls = new java.util.ArrayList<>();
    DecisionEvents events =
        new DecisionEvents(
            entries -> {
              calls.add(new EventBusCall(entries.size()));
              return entries.stream().map(x -> (String) null).toList();
            },
            io.github.eksnoderemediator.metrics.Metrics.NONE,
            System.err,
            java.time.Clock.systemUTC());
    List<InstanceResult> lines = new java.util.ArrayList<>();
    PublishingDecisionLog log = new PublishingDecisionLog((input, id, r) -> lines.add(r), events);

    log.record("in", null, imds(Decision.CHANGED, false));
    log.record("in", null, imds(Decision.COMPLIANT, false));

    assertThat(lines).hasSize(2);
    assertThat(calls).isEmpty();
    log.flush();
    assertThat(calls).containsExactly(new EventBusCall(1));
  }

  private record EventBusCall(int entries) {}

  /**
   * The samples in events/ are what the functions send: each detail reads into the record with no
   * unknown field and writes back identical, with the source and detail-type the code sends.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(
      strings = {"decision-imds-tampered.json", "decision-eni-failed.json"})
  void sampleEvents_haveExactlyTheSchemaTheFunctionsSend(String file) throws Exception {
    com.fasterxml.jackson.databind.JsonNode event =
        io.github.eksnoderemediator.json.Json.parse(
            io.github.eksnoderemediator.testing.SampleEvents.read(file), file);
    assertThat(event.path("source").asText()).isEqualTo(DecisionEvent.SOURCE);
    assertThat(event.path("detail-type").asText()).isEqualTo(DecisionEvent.DETAIL_TYPE);
    DecisionEvent detail =
        io.github.eksnoderemediator.json.Json.MAPPER
            .readerFor(DecisionEvent.class)
            .with(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .readValue(event.path("detail"));
    com.fasterxml.jackson.databind.JsonNode written =
        io.github.eksnoderemediator.json.Json.MAPPER.valueToTree(detail);
    assertThat((Object) written).isEqualTo(event.path("detail"));
  }
}
