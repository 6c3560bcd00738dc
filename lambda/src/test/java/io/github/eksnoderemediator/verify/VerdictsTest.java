package io.github.eksnoderemediator.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.eksnoderemediator.check.PermissionsReport;
import io.github.eksnoderemediator.check.Probe;
import io.github.eksnoderemediator.port.MetadataDefaults;
import io.github.eksnoderemediator.port.TemplateOptions;
import io.github.eksnoderemediator.verify.Check.Status;
import io.github.eksnoderemediator.verify.Facts.AdvancedSelector;
import io.github.eksnoderemediator.verify.Facts.BasicSelector;
import io.github.eksnoderemediator.verify.Facts.FieldSelector;
import io.github.eksnoderemediator.verify.Facts.Read;
import io.github.eksnoderemediator.verify.Facts.Trail;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The pipeline check's judgement, from facts alone. */
class VerdictsTest {
  static final String REGION = "eu-west-1";
  static final Instant NOW = Instant.parse("2026-12-06T04:00:00Z");
  static final String IMDS_ALIAS = "arn:aws:lambda:eu-west-1:111122223333:function:imds:live";
  static final String LAUNCH_PATTERN =
      "{\"source\":[\"aws.ec2\"],\"detail-type\":[\"AWS API Call via CloudTrail\"],"
          + "\"detail\":{\"eventSource\":[\"ec2.amazonaws.com\"],"
          + "\"eventName\":[\"RunInstances\",\"CreateFleet\"]}}";
  static final String TAMPER_PATTERN =
      "{\"source\":[\"aws.ec2\"],\"detail-type\":[\"AWS API Call via CloudTrail\"],"
          + "\"detail\":{\"eventName\":[\"ModifyInstanceMetadataOptions\"]}}";
  static final String STATE_PATTERN =
      "{\"source\":[\"aws.ec2\"],\"detail-type\":[\"EC2 Instance State-change Notification\"]}";
  static final String DLQ_ARN = "arn:aws:sqs:eu-west-1:111122223333:imds-dlq";
  static final String FAILURE_URL = "https://sqs.eu-west-1.amazonaws.com/111122223333/failures";

  static Facts.Rule rule(String name, String pattern) {
    return new Facts.Rule(
        name + "Id",
        name,
        "default",
        Optional.of("ENABLED"),
        Optional.of(pattern),
        Optional.empty(),
        List.of("arn:aws:sqs:eu-west-1:111122223333:imds-launches"));
  }

  static Trail trail(String name, String home, boolean multiRegion, Optional<Boolean> logging) {
    return new Trail(
        name,
        "arn:aws:cloudtrail:" + home + ":111122223333:trail/" + name,
        home,
        multiRegion,
        false,
        logging,
        Optional.empty(),
        Optional.empty(),
        List.of(new BasicSelector("All", true)),
        List.of());
  }

  static Facts.Queue queue(String name, long visible, Optional<String> deadLetterTarget) {
    return new Facts.Queue(
        name + "Id",
        "https://sqs.eu-west-1.amazonaws.com/111122223333/" + name,
        "arn:aws:sqs:eu-west-1:111122223333:" + name,
        visible,
        0,
        deadLetterTarget,
        Optional.empty());
  }

  static Facts.FunctionAlias alias(String update, String optimization) {
    return new Facts.FunctionAlias(
        "IMDS",
        "imds",
        "live",
        Optional.of("7"),
        Optional.of("Active"),
        Optional.of(update),
        Optional.empty(),
        Optional.of("PublishedVersions"),
        Optional.of(optimization),
        Optional.empty());
  }

  static Probe probe(Probe.Verdict verdict) {
    return new Probe(
        "harden a managed-node-group node",
        "ModifyInstanceMetadataOptions required/2/enabled",
        "i-0123",
        "allowed",
        verdict == Probe.Verdict.ok ? "allowed" : "refused (UnauthorizedOperation)",
        verdict,
        "the role cannot harden nodes of managed node groups");
  }

  /** A healthy deployment, as a builder of variations. */
  static Facts healthy(UnaryOperator<Builder> change) {
    return change.apply(new Builder()).build();
  }

  static final class Builder {
    List<Facts.Rule> rules =
        new ArrayList<>(
            List.of(
                rule("ImdsLaunches", LAUNCH_PATTERN),
                rule("ImdsTamper", TAMPER_PATTERN),
                rule("ImdsStateChange", STATE_PATTERN),
                new Facts.Rule(
                    "SweepId",
                    "ImdsSweep",
                    "default",
                    Optional.of("ENABLED"),
                    Optional.empty(),
                    Optional.of("rate(15 minutes)"),
                    List.of(IMDS_ALIAS))));
    Read<List<Trail>> trails =
        Read.of(List.of(trail("org-trail", "us-east-1", true, Optional.of(true))));
    List<Facts.Mapping> mappings =
        List.of(
            new Facts.Mapping(
                "MappingId",
                "uuid-1",
                Optional.of("Enabled"),
                Optional.of("arn:aws:sqs:eu-west-1:111122223333:imds-launches"),
                Optional.of(IMDS_ALIAS)));
    List<Facts.Queue> queues =
        List.of(
            queue("imds-launches", 2, Optional.of(DLQ_ARN)),
            queue("imds-dlq", 0, Optional.empty()),
            new Facts.Queue(
                "FailuresId",
                FAILURE_URL,
                "arn:aws:sqs:eu-west-1:111122223333:failures",
                0,
                0,
                Optional.empty(),
                Optional.empty()));
    List<Facts.FunctionAlias> aliases = List.of(alias("Successful", "On"));
    Optional<Instant> lastSweep = Optional.of(NOW.minus(Duration.ofMinutes(9)));
    Instant stackChanged = NOW.minus(Duration.ofDays(3));
    Read<MetadataDefaults> defaults =
        Read.of(
            new MetadataDefaults(
                new TemplateOptions(Optional.of("required"), Optional.of(2), Optional.empty()),
                Optional.of("enabled"),
                Optional.of("account")));
    Optional<Read<Facts.SecurityHub>> securityHub = Optional.empty();
    List<Facts.Forwarding> forwarding = List.of();
    List<Facts.Permissions> permissions =
        List.of(
            new Facts.Permissions(
                "IMDS",
                Read.of(PermissionsReport.of(List.of(probe(Probe.Verdict.ok)), List.of()))));

    Facts build() {
      return new Facts(
          "EksNodeRemediator",
          REGION,
          stackChanged,
          NOW,
          Map.of("FailureQueueUrl", FAILURE_URL, "ImdsAliasArn", IMDS_ALIAS),
          rules,
          trails,
          mappings,
          queues,
          aliases,
          Read.of(
              new Facts.Sweep(
                  "ImdsSweep",
                  "rate(15 minutes)",
                  lastSweep,
                  Optional.empty(),
                  Duration.ofHours(24))),
          defaults,
          securityHub,
          forwarding,
          permissions);
    }
  }

  static Check line(List<Check> checks, String itemStart) {
    return checks.stream()
        .filter(c -> c.item().startsWith(itemStart))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no line for " + itemStart + " in " + checks));
  }

  @Test
  void judge_allOk_forAHealthyDeployment() {
    List<Check> checks = Verdicts.judge(healthy(b -> b));

    assertThat(checks).allMatch(c -> c.status() == Status.OK, "every line OK");
    assertThat(Verdicts.failed(checks)).isFalse();
    assertThat(line(checks, "rule ImdsLaunches").detail())
        .isEqualTo("enabled (CloudTrail RunInstances, CreateFleet) -> imds-launches");
    assertThat(line(checks, "rule ImdsSweep").detail())
        .isEqualTo("enabled (schedule rate(15 minutes)) -> imds:live");
    assertThat(line(checks, "cloudtrail").detail())
        .isEqualTo(
            "trail org-trail (multi-Region, home us-east-1) is logging write management events");
    assertThat(line(checks, "launch queue imds-launches").detail())
        .isEqualTo("2 waiting, 0 in flight");
    assertThat(line(checks, "dead-letter queue imds-dlq").status()).isEqualTo(Status.OK);
    assertThat(line(checks, "failure queue failures").status()).isEqualTo(Status.OK);
    assertThat(line(checks, "IMDS function imds:live").detail())
        .isEqualTo("version 7, state Active, last update Successful, SnapStart on");
  }

  @Test
  void rule_disabled_failsNamingItAndTheCommand() {
    Check check =
        Verdicts.rule(
            new Facts.Rule(
                "Id",
                "ImdsLaunches",
                "default",
                Optional.of("DISABLED"),
                Optional.of(LAUNCH_PATTERN),
                Optional.empty(),
                List.of("arn:aws:sqs:eu-west-1:1:q")));

    assertThat(check.status()).isEqualTo(Status.FAIL);
    assertThat(check.line())
        .isEqualTo(
            "FAIL  rule ImdsLaunches: disabled (CloudTrail RunInstances, CreateFleet): nothing"
                + " reaches its target. Fix: aws events enable-rule --name ImdsLaunches");
  }

  @Test
  void rule_gone_orWithoutTarget_fails() {
    Facts.Rule gone =
        new Facts.Rule(
            "Id", "X", "default", Optional.empty(), Optional.empty(), Optional.empty(), List.of());
    Facts.Rule noTarget =
        new Facts.Rule(
            "Id",
            "Y",
            "default",
            Optional.of("ENABLED"),
            Optional.of(STATE_PATTERN),
            Optional.empty(),
            List.of());

    assertThat(Verdicts.rule(gone).status()).isEqualTo(Status.FAIL);
    assertThat(Verdicts.rule(noTarget).detail())
        .isEqualTo("enabled but has no target (EC2 Instance State-change Notification)");
  }

  @Test
  void trail_missing_failsNamingEveryRuleThatNeverFires() {
    Check check =
        Verdicts.trail(
            healthy(
                b -> {
                  b.trails = Read.of(List.of());
                  return b;
                }));

    assertThat(check.status()).isEqualTo(Status.FAIL);
    assertThat(check.detail())
        .isEqualTo(
            "no trail records write management events in eu-west-1; these rules never fire:"
                + " ImdsLaunches (RunInstances, CreateFleet); ImdsTamper"
                + " (ModifyInstanceMetadataOptions)");
    assertThat(check.fix().orElseThrow()).startsWith("aws cloudtrail create-trail");
  }

  @Test
  void trail_stopped_failsWithStartLogging() {
    Check check =
        Verdicts.trail(
            healthy(
                b -> {
                  b.trails = Read.of(List.of(trail("main", REGION, false, Optional.of(false))));
                  return b;
                }));

    assertThat(check.status()).isEqualTo(Status.FAIL);
    assertThat(check.detail()).contains("(trail main is not logging)");
    assertThat(check.fix().orElseThrow())
        .isEqualTo(
            "aws cloudtrail start-logging --name arn:aws:cloudtrail:eu-west-1:111122223333:trail/main");
  }

  @Test
  void trail_singleRegionElsewhere_doesNotCount() {
    Check check =
        Verdicts.trail(
            healthy(
                b -> {
                  b.trails =
                      Read.of(List.of(trail("other", "us-east-1", false, Optional.of(true))));
                  return b;
                }));

    assertThat(check.status()).isEqualTo(Status.FAIL);
  }

  @Test
  void trail_readOnlySelectors_failWithPutEventSelectors() {
    Trail readOnly =
        new Trail(
            "reads",
            "arn:aws:cloudtrail:eu-west-1:1:trail/reads",
            REGION,
            false,
            false,
            Optional.of(true),
            Optional.empty(),
            Optional.empty(),
            List.of(new BasicSelector("ReadOnly", true)),
            List.of());
    Check check =
        Verdicts.trail(
            healthy(
                b -> {
                  b.trails = Read.of(List.of(readOnly));
                  return b;
                }));

    assertThat(check.status()).isEqualTo(Status.FAIL);
    assertThat(check.detail()).contains("trail reads does not record write management events");
    assertThat(check.fix().orElseThrow()).startsWith("aws cloudtrail put-event-selectors");
  }

  @Test
  void recordsWriteManagementEvents_readsBasicAndAdvancedSelectors() {
    assertThat(Verdicts.recordsWriteManagementEvents(withAdvanced())).isTrue();
    assertThat(
            Verdicts.recordsWriteManagementEvents(
                withAdvanced(new FieldSelector("eventCategory", List.of("Management"), List.of()))))
        .isTrue();
    assertThat(
            Verdicts.recordsWriteManagementEvents(
                withAdvanced(
                    new FieldSelector("eventCategory", List.of("Management"), List.of()),
                    new FieldSelector("readOnly", List.of("false"), List.of()))))
        .isTrue();
    assertThat(
            Verdicts.recordsWriteManagementEvents(
                withAdvanced(
                    new FieldSelector("eventCategory", List.of("Management"), List.of()),
                    new FieldSelector("readOnly", List.of("true"), List.of()))))
        .isFalse();
    assertThat(
            Verdicts.recordsWriteManagementEvents(
                withAdvanced(
                    new FieldSelector("eventCategory", List.of("Management"), List.of()),
                    new FieldSelector("eventSource", List.of(), List.of("ec2.amazonaws.com")))))
        .isFalse();
    assertThat(
            Verdicts.recordsWriteManagementEvents(
                withAdvanced(new FieldSelector("eventCategory", List.of("Data"), List.of()))))
        .isFalse();
  }

  private static Trail withAdvanced(FieldSelector... fields) {
    return new Trail(
        "t",
        "arn:aws:cloudtrail:eu-west-1:1:trail/t",
        REGION,
        false,
        false,
        Optional.of(true),
        Optional.empty(),
        Optional.empty(),
        List.of(),
        fields.length == 0 ? List.of() : List.of(new AdvancedSelector("s", List.of(fields))));
  }

  @Test
  void trail_organizationTrailWithUnreadableStatus_warns() {
    Trail org =
        new Trail(
            "org",
            "arn:aws:cloudtrail:us-east-1:999:trail/org",
            "us-east-1",
            true,
            true,
            Optional.empty(),
            Optional.of("TrailNotFoundException: no"),
            Optional.empty(),
            List.of(),
            List.of());
    Check check =
        Verdicts.trail(
            healthy(
                b -> {
                  b.trails = Read.of(List.of(org));
                  return b;
                }));

    assertThat(check.status()).isEqualTo(Status.WARN);
    assertThat(check.detail()).startsWith("trail org (organization, multi-Region, home us-east-1)");
  }

  @Test
  void mapping_disabled_failsWithTheEnableCommand() {
    Check check =
        Verdicts.mapping(
            new Facts.Mapping(
                "ImdsMapping",
                "u-1",
                Optional.of("Disabled"),
                Optional.of("arn:aws:sqs:eu-west-1:1:imds-launches"),
                Optional.of(IMDS_ALIAS)));

    assertThat(check.status()).isEqualTo(Status.FAIL);
    assertThat(check.fix()).hasValue("aws lambda update-event-source-mapping --uuid u-1 --enabled");
  }

  @Test
  void queue_nonEmptyDeadLetters_warnsWithTheRedrive() {
    List<Check> checks =
        Verdicts.judge(
            healthy(
                b -> {
                  b.queues =
                      List.of(
                          queue("imds-launches", 0, Optional.of(DLQ_ARN)),
                          queue("imds-dlq", 3, Optional.empty()));
                  return b;
                }));

    Check dlq = line(checks, "dead-letter queue imds-dlq");
    assertThat(dlq.status()).isEqualTo(Status.WARN);
    assertThat(dlq.detail()).startsWith("3 waiting, 0 in flight");
    assertThat(dlq.fix().orElseThrow())
        .endsWith("aws sqs start-message-move-task --source-arn " + DLQ_ARN);
    assertThat(Verdicts.failed(checks)).isFalse();
  }

  @Test
  void alias_failedUpdate_fails_andSnapStartOff_warns() {
    assertThat(Verdicts.alias(alias("Failed", "On")).status()).isEqualTo(Status.FAIL);
    assertThat(Verdicts.alias(alias("InProgress", "On")).status()).isEqualTo(Status.WARN);
    assertThat(Verdicts.alias(alias("Successful", "Off")).status()).isEqualTo(Status.WARN);
  }

  @Test
  void sweep_overdue_fails_andNoneYetAfterADeploy_warns() {
    Check overdue =
        Verdicts.sweep(
            healthy(
                b -> {
                  b.lastSweep = Optional.of(NOW.minus(Duration.ofMinutes(45)));
                  return b;
                }));
    Check fresh =
        Verdicts.sweep(
            healthy(
                b -> {
                  b.lastSweep = Optional.empty();
                  b.stackChanged = NOW.minus(Duration.ofMinutes(5));
                  return b;
                }));
    Check never =
        Verdicts.sweep(
            healthy(
                b -> {
                  b.lastSweep = Optional.empty();
                  return b;
                }));

    assertThat(overdue.status()).isEqualTo(Status.FAIL);
    assertThat(overdue.detail()).contains("45 min ago").contains("overdue");
    assertThat(fresh.status()).isEqualTo(Status.WARN);
    assertThat(never.status()).isEqualTo(Status.FAIL);
    assertThat(never.detail()).startsWith("no sweep completed in the last 24 h");
  }

  @Test
  void period_readsRateExpressions() {
    assertThat(Verdicts.period("rate(15 minutes)")).hasValue(Duration.ofMinutes(15));
    assertThat(Verdicts.period("rate(1 hour)")).hasValue(Duration.ofHours(1));
    assertThat(Verdicts.period("cron(0 * * * ? *)")).isEmpty();
  }

  @Test
  void imdsDefaults_optionalTokens_warn_andDeclarativePolicy_saysWhereToChangeIt() {
    Check account =
        Verdicts.imdsDefaults(
            Read.of(
                new MetadataDefaults(
                    new TemplateOptions(Optional.empty(), Optional.empty(), Optional.empty()),
                    Optional.of("disabled"),
                    Optional.of("account"))));
    Check policy =
        Verdicts.imdsDefaults(
            Read.of(
                new MetadataDefaults(
                    new TemplateOptions(
                        Optional.of("optional"), Optional.empty(), Optional.empty()),
                    Optional.of("disabled"),
                    Optional.of("declarative-policy"))));

    assertThat(account.status()).isEqualTo(Status.WARN);
    assertThat(account.detail())
        .startsWith(
            "httpTokens no-preference, hop limit no-preference, httpTokensEnforced disabled,"
                + " managedBy account");
    assertThat(account.fix().orElseThrow()).startsWith("aws ec2 modify-instance-metadata-defaults");
    assertThat(policy.fix().orElseThrow()).contains("declarative policy");
  }

  @Test
  void securityHub_judgedOnlyWhereTheFeatureIsOn() {
    assertThat(Verdicts.judge(healthy(b -> b))).noneMatch(c -> c.item().equals("security hub"));

    Check off = Verdicts.securityHub(Read.of(new Facts.SecurityHub(false, Map.of())));
    Check controlDisabled =
        Verdicts.securityHub(
            Read.of(
                new Facts.SecurityHub(
                    true, Map.of("arn:aws:securityhub:::standards/fsbp", "DISABLED"))));
    Check on =
        Verdicts.securityHub(
            Read.of(
                new Facts.SecurityHub(
                    true,
                    Map.of(
                        "arn:aws:securityhub:eu-west-1::standards/aws-foundational-security-best-practices/v/1.0.0",
                        "ENABLED"))));

    assertThat(off.status()).isEqualTo(Status.FAIL);
    assertThat(controlDisabled.status()).isEqualTo(Status.WARN);
    assertThat(controlDisabled.fix().orElseThrow()).contains("SecurityControlId=EC2.8");
    assertThat(on.status()).isEqualTo(Status.OK);
  }

  @Test
  void forwarding_failedInvocations_warn() {
    Check check =
        Verdicts.forwarding(
            new Facts.Forwarding(
                "DecisionEventsForward",
                "arn:aws:events:eu-west-1:999:event-bus/central",
                Optional.of("ENABLED"),
                Read.of(4L),
                Duration.ofHours(24)));

    assertThat(check.line())
        .startsWith(
            "WARN  central forwarding DecisionEventsForward: 4 failed invocation(s) in the last 24 h"
                + " -> event-bus/central. Fix: ");
  }

  @Test
  void permissions_foldEachProbeIntoTheOutput_andAFailedProbeFails() {
    List<Check> checks =
        Verdicts.permissions(
            new Facts.Permissions(
                "IMDS",
                Read.of(
                    PermissionsReport.of(
                        List.of(probe(Probe.Verdict.ok), probe(Probe.Verdict.FAIL)), List.of()))));
    List<Check> unreachable =
        Verdicts.permissions(new Facts.Permissions("ENI", Read.failed("AccessDenied: no")));

    assertThat(checks)
        .extracting(Check::status)
        .containsExactly(Status.OK, Status.FAIL, Status.FAIL);
    assertThat(checks.get(1).line())
        .isEqualTo(
            "FAIL  permissions IMDS: harden a managed-node-group node:"
                + " ModifyInstanceMetadataOptions required/2/enabled on i-0123: refused"
                + " (UnauthorizedOperation). Fix: the role cannot harden nodes of managed node"
                + " groups");
    assertThat(checks.get(2).detail()).isEqualTo("FAILED: 1 ok, 0 warning(s), 1 failed");
    assertThat(unreachable).singleElement().extracting(Check::status).isEqualTo(Status.FAIL);
  }
}
