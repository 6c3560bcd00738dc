package io.github.eksnoderemediator.imds;

import static io.github.eksnoderemediator.testing.Instances.ID;
import static io.github.eksnoderemediator.testing.Instances.LAUNCHED;
import static io.github.eksnoderemediator.testing.Instances.MANAGED_PROD;
import static io.github.eksnoderemediator.testing.Instances.imdsV1;
import static io.github.eksnoderemediator.testing.Instances.options;
import static io.github.eksnoderemediator.testing.Instances.running;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.json.Json;
import io.github.eksnoderemediator.port.Ec2CallException;
import io.github.eksnoderemediator.port.Ec2CallException.Kind;
import io.github.eksnoderemediator.port.Ec2Gateway;
import io.github.eksnoderemediator.port.InstanceState;
import io.github.eksnoderemediator.port.InstanceView;
import io.github.eksnoderemediator.port.MetadataOptions;
import io.github.eksnoderemediator.port.MetadataOptions.ApplyState;
import io.github.eksnoderemediator.port.MetadataOptions.Endpoint;
import io.github.eksnoderemediator.port.MetadataOptions.Tokens;
import io.github.eksnoderemediator.report.Decision;
import io.github.eksnoderemediator.report.HopLimitChange;
import io.github.eksnoderemediator.report.InstanceResult;
import io.github.eksnoderemediator.report.JsonLinesDecisionLog;
import io.github.eksnoderemediator.report.OptionsView;
import io.github.eksnoderemediator.testing.Instances;
import io.github.eksnoderemediator.testing.MutableClock;
import io.github.eksnoderemediator.testing.SampleEvents;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mockito.Mock;
import org.mockito.junit.jupiter.MockitoExtension;

// Mockito's thenReturn(first, rest...) with Optional values: generic varargs, harmless here.
@SuppressWarnings("unchecked")
@ExtendWith(MockitoExtension.class)
class ImdsRemediatorTest {
  /** What an IMDSv1 node launched with hop limit 1 gets under the default band: tokens only. */
  private static final MetadataOptions HARDENED = options(Tokens.REQUIRED, 1);

  @Mock Ec2Gateway ec2;
  private MutableClock clock;
  private ImdsRemediator remediator;

  @BeforeEach
  void setUp() {
    clock = new MutableClock(LAUNCHED.plus(Duration.ofHours(1)));
    remediator = new ImdsRemediator(ec2, RemediatorConfig.DEFAULT, clock.boundedWait(), clock);
  }

  @Test
  void remediate_makesNoModifyCall_whenCompliant() {
    when(ec2.describeInstance(ID)).thenReturn(Optional.of(running(MANAGED_PROD, HARDENED)));

    InstanceResult r = remediator.remediate(ID, false);

    assertThat(r.decision()).isEqualTo(Decision.COMPLIANT);
    assertThat(r.reason())
        .isEqualTo(
            "already compliant: HttpTokens required, hop limit 1 within [1, 2] from default");
    assertThat(r.imdsV1().note()).isEqualTo("not checked: tokens already required");
    assertThat(r.hopLimitChange()).isNull();
    verify(ec2, never()).modifyMetadataOptions(any(), any());
  }

  @Test
  void remediate_sendsTheCompleteTarget_andReportsBeforeAndAfter() {
    when(ec2.describeInstance(ID)).thenReturn(Optional.of(running(MANAGED_PROD, imdsV1())));
    when(ec2.modifyMetadataOptions(ID, HARDENED)).thenReturn(HARDENED);

    InstanceResult r = remediator.remediate(ID, false);

    verify(ec2).modifyMetadataOptions(ID, HARDENED);
    assertThat(r.decision()).isEqualTo(Decision.CHANGED);
    assertThat(r.cluster()).isEqualTo("prod");
    assertThat(r.nodeKind()).isEqualTo("managed-node-group");
    assertThat(r.nodeGroup()).isEqualTo("general");
    assertThat(r.before()).isEqualTo(new OptionsView("optional", 1, "enabled", "applied"));
    assertThat(r.after()).isEqualTo(new OptionsView("required", 1, "enabled", "applied"));
    assertThat(r.hopLimitChange()).isNull();
    assertThat(r.applied()).isTrue();
    assertThat(r.policy().from()).isEqualTo("default");
    assertThat(r.reason()).isEqualTo("HttpTokens optional -> required");
  }

  @Test
  void remediate_lowersAHopLimitAbove2_andReportsTheMoveStructured() throws Exception {
    MetadataOptions lowered = options(Tokens.REQUIRED, 2);
    when(ec2.describeInstance(ID))
        .thenReturn(Optional.of(running(MANAGED_PROD, options(Tokens.REQUIRED, 5))));
    when(ec2.modifyMetadataOptions(ID, lowered)).thenReturn(lowered);

    InstanceResult r = remediator.remediate(ID, false);

    assertThat(r.decision()).isEqualTo(Decision.CHANGED);
    assertThat(r.reason()).isEqualTo("hop limit lowered 5 -> 2 (band [1, 2] from default)");
    assertThat(r.hopLimitChange())
        .isEqualTo(new HopLimitChange(HopLimitChange.Direction.LOWERED, 5, 2, 1, 2, "default"));
    assertThat(Json.compact(r.hopLimitChange()))
        .isEqualTo(
            "{\"direction\":\"lowered\",\"from\":5,\"to\":2,\"bandMin\":1,\"bandMax\":2,"
                + "\"bandFrom\":\"default\"}");
    // The decision's log line carries it too, for Logs Insights.
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    new JsonLinesDecisionLog(new PrintStream(log, true, StandardCharsets.UTF_8), clock)
        .record("manual", null, r);
    assertThat(
            Json.MAPPER.readTree(log.toString(StandardCharsets.UTF_8)).at("/result/hopLimitChange"))
        .isEqualTo(Json.MAPPER.valueToTree(r.hopLimitChange()));
  }

  @Test
  void remediate_raisesAHopLimit_onlyWhereABandsMinSaysSo_evenInADryRun() {
    RemediatorConfig config =
        RemediatorConfig.parse(
            "{\"imds\": {\"overrides\": [{\"cluster\": \"prod\", \"nodeGroup\": \"general\","
                + " \"hopLimit\": {\"min\": 2}}]}}",
            "test");
    remediator = new ImdsRemediator(ec2, config, clock.boundedWait(), clock);
    when(ec2.describeInstance(ID)).thenReturn(Optional.of(running(MANAGED_PROD, imdsV1())));

    InstanceResult r = remediator.remediate(ID, true);

    verify(ec2, never()).modifyMetadataOptions(any(), any());
    assertThat(r.hopLimitChange())
        .isEqualTo(
            new HopLimitChange(
                HopLimitChange.Direction.RAISED, 1, 2, 2, 2, "nodeGroup prod/general"));
    assertThat(r.reason())
        .isEqualTo(
            "dry run, would change: HttpTokens optional -> required; hop limit raised 1 -> 2"
                + " (band 2 from nodeGroup prod/general)");
  }

  /**
   * docs/brownfield.md tells operators which notes say why a node's IMDSv1 use was not read: the
   * report must carry them, on every node in scope, in exactly those words.
   */
  @Test
  void report_saysWhyIMDSv1UseWasNotRead_inTheWordsTheBrownfieldGuideQuotes() throws Exception {
    clock = new MutableClock(LAUNCHED.plus(Duration.ofMinutes(10)));
    remediator = new ImdsRemediator(ec2, RemediatorConfig.DEFAULT, clock.boundedWait(), clock);
    when(ec2.describeInstance(ID))
        .thenReturn(
            Optional.of(running(MANAGED_PROD, HARDENED)),
            Optional.of(running(MANAGED_PROD, imdsV1())));

    String tokensRequired = remediator.remediate(ID, true).imdsV1().note();
    String launchedJustNow = remediator.remediate(ID, true).imdsV1().note();

    assertThat(tokensRequired).isEqualTo("not checked: tokens already required");
    assertThat(launchedJustNow)
        .isEqualTo("not checked: launched less than 60 min ago: no history, hardened at once");
    String guide =
        Files.readString(SampleEvents.root().resolve("docs/brownfield.md")).replaceAll("\\s+", " ");
    assertThat(guide).contains("`" + tokensRequired + "`").contains("`" + launchedJustNow + "`");
  }

  @Test
  void remediate_writesNothing_inADryRun() {
    when(ec2.describeInstance(ID)).thenReturn(Optional.of(running(MANAGED_PROD, imdsV1())));

    InstanceResult r = remediator.remediate(ID, true);

    verify(ec2, never()).modifyMetadataOptions(any(), any());
    assertThat(r.decision()).isEqualTo(Decision.CHANGED);
    assertThat(r.dryRun()).isTrue();
    assertThat(r.reason()).startsWith("dry run, would change: HttpTokens optional -> required");
    assertThat(r.after().httpTokens()).isEqualTo("required");
    assertThat(r.applied()).isNull();
  }

  @Test
  void remediate_neverTouchesAnInstanceOutOfScope() {
    when(ec2.describeInstance(ID))
        .thenReturn(Optional.of(running(Map.of("Name", "bastion"), imdsV1())));

    InstanceResult r = remediator.remediate(ID, false);

    assertThat(r.decision()).isEqualTo(Decision.SKIPPED);
    assertThat(r.reason()).isEqualTo("not an EKS node: no EKS cluster tag");
    assertThat(r.before().httpTokens()).isEqualTo("optional");
    verify(ec2, never()).modifyMetadataOptions(any(), any());
  }

  @Test
  void remediate_waitsForAnInstanceEc2DoesNotShowYet() {
    when(ec2.describeInstance(ID))
        .thenReturn(
            Optional.empty(), Optional.empty(), Optional.of(running(MANAGED_PROD, HARDENED)));

    InstanceResult r = remediator.remediate(ID, false);

    assertThat(r.decision()).isEqualTo(Decision.COMPLIANT);
    assertThat(clock.sleeps()).containsExactly(Duration.ofMillis(500), Duration.ofSeconds(1));
  }

  @Test
  void remediate_failsRetryably_whenTheInstanceNeverAppears() {
    when(ec2.describeInstance(ID)).thenReturn(Optional.empty());

    InstanceResult r = remediator.remediate(ID, false);

    assertThat(r.decision()).isEqualTo(Decision.FAILED);
    assertThat(r.retryable()).isTrue();
    assertThat(r.reason())
        .startsWith("EC2 does not show the instance after 15 s (InvalidInstanceID.NotFound)");
    assertThat(clock.sleeps().stream().reduce(Duration.ZERO, Duration::plus))
        .isEqualTo(Duration.ofSeconds(15));
  }

  @Test
  void remediate_failsRetryably_whenEc2RefusesAPendingInstance() {
    InstanceView pending =
        Instances.withState(running(MANAGED_PROD, imdsV1()), InstanceState.PENDING);
    when(ec2.describeInstance(ID)).thenReturn(Optional.of(pending));
    when(ec2.modifyMetadataOptions(ID, HARDENED))
        .thenThrow(
            new Ec2CallException(
                Kind.INCORRECT_STATE,
                "IncorrectInstanceState",
                "The instance is not in a valid state.",
                null));

    InstanceResult r = remediator.remediate(ID, false);

    assertThat(r.decision()).isEqualTo(Decision.FAILED);
    assertThat(r.retryable()).isTrue();
    assertThat(r.reason())
        .isEqualTo(
            "ModifyInstanceMetadataOptions failed: IncorrectInstanceState: The instance is not in a valid state."
                + " (instance was pending; its running event or Lambda's retry will try again)");
  }

  @Test
  void remediate_failsForGood_whenIamDenies() {
    when(ec2.describeInstance(ID)).thenReturn(Optional.of(running(MANAGED_PROD, imdsV1())));
    when(ec2.modifyMetadataOptions(ID, HARDENED))
        .thenThrow(
            new Ec2CallException(
                Kind.UNAUTHORIZED, "UnauthorizedOperation", "You are not authorized.", null));

    InstanceResult r = remediator.remediate(ID, false);

    assertThat(r.retryable()).isFalse();
    assertThat(r.reason()).contains("UnauthorizedOperation").contains("in-scope cluster tags");
  }

  @Test
  void remediate_reportsADescribeFailure_withoutWriting() {
    when(ec2.describeInstance(ID))
        .thenThrow(
            new Ec2CallException(
                Kind.THROTTLED, "RequestLimitExceeded", "Request limit exceeded.", null));

    InstanceResult r = remediator.remediate(ID, false);

    assertThat(r.decision()).isEqualTo(Decision.FAILED);
    assertThat(r.retryable()).isTrue();
    assertThat(r.reason())
        .isEqualTo("DescribeInstances failed: RequestLimitExceeded: Request limit exceeded.");
    verify(ec2, never()).modifyMetadataOptions(any(), any());
  }

  @Test
  void remediate_confirmsThatAPendingChangeIsApplied() {
    MetadataOptions pendingChange = HARDENED.withState(ApplyState.PENDING);
    when(ec2.describeInstance(ID))
        .thenReturn(
            Optional.of(running(MANAGED_PROD, imdsV1())),
            Optional.of(running(MANAGED_PROD, pendingChange)),
            Optional.of(running(MANAGED_PROD, HARDENED)));
    when(ec2.modifyMetadataOptions(ID, HARDENED)).thenReturn(pendingChange);

    InstanceResult r = remediator.remediate(ID, false);

    assertThat(r.applied()).isTrue();
    assertThat(r.after().state()).isEqualTo("applied");
    verify(ec2, times(3)).describeInstance(ID);
  }

  @Test
  void remediate_saysSo_whenTheChangeIsNotAppliedInTime() {
    MetadataOptions pendingChange = HARDENED.withState(ApplyState.PENDING);
    when(ec2.describeInstance(ID))
        .thenReturn(
            Optional.of(running(MANAGED_PROD, imdsV1())),
            Optional.of(running(MANAGED_PROD, pendingChange)));
    when(ec2.modifyMetadataOptions(ID, HARDENED)).thenReturn(pendingChange);

    InstanceResult r = remediator.remediate(ID, false);

    assertThat(r.decision()).isEqualTo(Decision.CHANGED);
    assertThat(r.applied()).isFalse();
    assertThat(r.reason()).endsWith("; not yet applied after 10 s");
  }

  @Test
  void remediate_doesNotWaitForApplied_onAStoppedInstance() {
    InstanceView stopped =
        Instances.withState(running(MANAGED_PROD, imdsV1()), InstanceState.STOPPED);
    when(ec2.describeInstance(ID)).thenReturn(Optional.of(stopped));
    when(ec2.modifyMetadataOptions(ID, HARDENED))
        .thenReturn(HARDENED.withState(ApplyState.PENDING));

    InstanceResult r = remediator.remediate(ID, false);

    assertThat(r.applied()).isFalse();
    assertThat(r.reason()).endsWith("; EC2 applies it when the instance runs");
    verify(ec2, times(1)).describeInstance(ID);
  }

  @Test
  void remediate_waitsForLauncherTags_onAFreshUntaggedInstance() {
    clock = new MutableClock(LAUNCHED.plusSeconds(3));
    remediator = new ImdsRemediator(ec2, RemediatorConfig.DEFAULT, clock.boundedWait(), clock);
    when(ec2.describeInstance(ID))
        .thenReturn(
            Optional.of(running(Map.of(), imdsV1())), Optional.of(running(MANAGED_PROD, imdsV1())));
    when(ec2.modifyMetadataOptions(ID, HARDENED)).thenReturn(HARDENED);

    InstanceResult r = remediator.remediate(ID, false);

    assertThat(r.decision()).isEqualTo(Decision.CHANGED);
    assertThat(clock.sleeps()).containsExactly(Duration.ofMillis(500));
  }

  @Test
  void remediate_skipsAFreshInstanceThatStaysUntagged_andSaysWhy() {
    clock = new MutableClock(LAUNCHED.plusSeconds(3));
    remediator = new ImdsRemediator(ec2, RemediatorConfig.DEFAULT, clock.boundedWait(), clock);
    when(ec2.describeInstance(ID)).thenReturn(Optional.of(running(Map.of(), imdsV1())));

    InstanceResult r = remediator.remediate(ID, false);

    assertThat(r.decision()).isEqualTo(Decision.SKIPPED);
    assertThat(r.reason())
        .startsWith("not an EKS node: no EKS cluster tag (no tags at all 10 s after launch");
    verify(ec2, never()).modifyMetadataOptions(any(), any());
  }

  @Test
  void remediate_keepsADisabledEndpointDisabled() {
    MetadataOptions disabled =
        new MetadataOptions(Tokens.OPTIONAL, 2, Endpoint.DISABLED, ApplyState.APPLIED);
    MetadataOptions target =
        new MetadataOptions(Tokens.REQUIRED, 2, Endpoint.DISABLED, ApplyState.APPLIED);
    when(ec2.describeInstance(ID)).thenReturn(Optional.of(running(MANAGED_PROD, disabled)));
    when(ec2.modifyMetadataOptions(ID, target)).thenReturn(target);

    assertThat(remediator.remediate(ID, false).after().httpEndpoint()).isEqualTo("disabled");
  }
}
