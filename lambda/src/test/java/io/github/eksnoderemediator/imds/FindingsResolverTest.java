package io.github.eksnoderemediator.imds;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.eksnoderemediator.config.SecurityHubConfig;
import io.github.eksnoderemediator.metrics.Metrics;
import io.github.eksnoderemediator.port.Ec2CallException;
import io.github.eksnoderemediator.port.FindingsGateway;
import io.github.eksnoderemediator.port.FindingsGateway.Finding;
import io.github.eksnoderemediator.port.FindingsGateway.Unprocessed;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.report.Decision;
import io.github.eksnoderemediator.report.InstanceResult;
import io.github.eksnoderemediator.report.OptionsView;
import io.github.eksnoderemediator.testing.MutableClock;
import io.github.eksnoderemediator.testing.RecordingMetrics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * What the IMDS function tells Security Hub after an invocation, against an in-memory gateway that
 * records its calls: which results count as hardened, how calls are batched, and that Security Hub
 * never changes a remediation's outcome.
 */
class FindingsResolverTest {
  static final String PRODUCT_ARN = "arn:aws:securityhub:eu-west-1::product/aws/securityhub";
  static final OptionsView OPTIONAL_2 = new OptionsView("optional", 2, "enabled", "applied");
  static final OptionsView REQUIRED_2 = new OptionsView("required", 2, "enabled", "applied");
  static final OptionsView REQUIRED_1 = new OptionsView("required", 1, "enabled", "applied");
  static final OptionsView OPTIONAL_1 = new OptionsView("optional", 1, "enabled", "applied");

  /** An in-memory Security Hub: each instance has {@code perInstance} open findings. */
  static final class Hub implements FindingsGateway {
    final List<List<InstanceId>> queries = new ArrayList<>();
    final List<List<Finding>> updates = new ArrayList<>();
    final List<String> notes = new ArrayList<>();
    int perInstance = 1;
    boolean notEnabled;
    RuntimeException failQueries;
    RuntimeException failUpdates;
    List<Finding> unprocessed = List.of();
    boolean administrator;
    RuntimeException failMembers;
    int memberQueries;
    Runnable afterQuery = () -> {};

    @Override
    public List<Finding> openImdsFindings(List<InstanceId> instances) {
      assertThat(instances).hasSizeLessThanOrEqualTo(MAX_INSTANCES_PER_QUERY);
      queries.add(List.copyOf(instances));
      afterQuery.run();
      if (notEnabled) {
        throw new NotEnabledException("Account 123456789012 is not subscribed", null);
      }
      if (failQueries != null) {
        throw failQueries;
      }
      List<Finding> found = new ArrayList<>();
      for (InstanceId id : instances) {
        for (int i = 0; i < perInstance; i++) {
          found.add(new Finding("finding/" + id.value() + "/" + i, PRODUCT_ARN, id));
        }
      }
      return found;
    }

    @Override
    public List<Unprocessed> resolve(List<Finding> findings, String note) {
      assertThat(findings).hasSizeLessThanOrEqualTo(MAX_FINDINGS_PER_UPDATE);
      updates.add(List.copyOf(findings));
      notes.add(note);
      if (failUpdates != null) {
        throw failUpdates;
      }
      return findings.stream()
          .filter(unprocessed::contains)
          .map(f -> new Unprocessed(f, "FindingNotFound", "Finding Not Found"))
          .toList();
    }

    @Override
    public boolean administersMembers() {
      memberQueries++;
      if (failMembers != null) {
        throw failMembers;
      }
      return administrator;
    }
  }

  final Hub hub = new Hub();
  final RecordingMetrics metrics = new RecordingMetrics();
  final List<String> lines = new ArrayList<>();
  final List<Object> details = new ArrayList<>();
  final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T12:00:00Z"));
  int connected;

  FindingsResolver resolver(boolean on) {
    return resolver(new SecurityHubConfig(on));
  }

  FindingsResolver resolver(SecurityHubConfig config) {
    return new FindingsResolver(
        config,
        () -> {
          connected++;
          return hub;
        },
        metrics,
        (level, message, detail) -> {
          lines.add(level + " " + message);
          details.add(detail);
        },
        clock);
  }

  static InstanceResult result(
      String id, Decision decision, OptionsView before, OptionsView after, boolean dryRun) {
    return new InstanceResult(
        id,
        "prod",
        "managed-node-group",
        "general",
        null,
        decision,
        "reason",
        before,
        after,
        null,
        null,
        null,
        null,
        decision == Decision.CHANGED ? Boolean.TRUE : null,
        dryRun,
        null,
        null);
  }

  static InstanceResult hardened(String id) {
    return result(id, Decision.CHANGED, OPTIONAL_2, REQUIRED_2, false);
  }

  static List<InstanceResult> hardened(int n) {
    return IntStream.range(0, n).mapToObj(i -> hardened(String.format("i-%017x", i))).toList();
  }

  Instant later() {
    return clock.instant().plusSeconds(600);
  }

  @Test
  void hardenedNode_findingsResolved_withTheProductAndBeforeAndAfterInTheNote() {
    FindingsResolver.Outcome outcome =
        resolver(true).resolve(List.of(hardened("i-0123456789abcdef0")), later());

    assertThat(hub.updates).hasSize(1);
    assertThat(hub.notes.get(0))
        .startsWith("EKS Node Remediator required IMDSv2")
        .contains("HttpTokens optional -> required")
        .contains("HttpPutResponseHopLimit 2 -> 2")
        .hasSizeLessThanOrEqualTo(512);
    assertThat(outcome).isEqualTo(new FindingsResolver.Outcome(1, 1, 1, List.of()));
    metrics.flush();
    assertThat(metrics.flushed("prod", Metrics.FINDINGS_RESOLVED)).isEqualTo(1);
    assertThat(lines).containsExactly("INFO security hub findings resolved");
  }

  @Test
  void dryRun_compliant_skipped_failed_andHopLimitOnlyChanges_makeNoCall() {
    List<InstanceResult> results =
        List.of(
            result("i-00000000000000001", Decision.CHANGED, OPTIONAL_2, REQUIRED_2, true),
            result("i-00000000000000002", Decision.COMPLIANT, REQUIRED_2, REQUIRED_2, false),
            result("i-00000000000000003", Decision.SKIPPED, OPTIONAL_2, null, false),
            result("i-00000000000000004", Decision.FAILED, OPTIONAL_2, null, false),
            result("i-00000000000000005", Decision.DEFERRED, OPTIONAL_2, OPTIONAL_2, false),
            result("i-00000000000000006", Decision.CHANGED, REQUIRED_2, REQUIRED_1, false),
            result("i-00000000000000007", Decision.CHANGED, OPTIONAL_2, OPTIONAL_1, false));

    assertThat(resolver(true).resolve(results, later())).isNull();
    assertThat(connected).as("no client is even built").isZero();
    assertThat(lines).isEmpty();
  }

  @Test
  void off_neverBuildsAClient() {
    assertThat(resolver(false).resolve(hardened(3), later())).isNull();
    assertThat(connected).isZero();
  }

  @Test
  void batching_twentyInstancesPerGetFindings_andOneHundredFindingsPerUpdate() {
    hub.perInstance = 3;

    FindingsResolver.Outcome outcome = resolver(true).resolve(hardened(45), later());

    assertThat(hub.queries).extracting(List::size).containsExactly(20, 20, 5);
    assertThat(hub.updates).extracting(List::size).containsExactly(100, 35);
    assertThat(outcome.found()).isEqualTo(135);
    assertThat(outcome.resolved()).isEqualTo(135);
    assertThat(connected).isEqualTo(1);
  }

  @Test
  void differentBeforeAndAfter_getTheirOwnNote_soTheirOwnUpdate() {
    List<InstanceResult> results =
        List.of(
            hardened("i-00000000000000001"),
            result("i-00000000000000002", Decision.CHANGED, OPTIONAL_2, REQUIRED_1, false),
            hardened("i-00000000000000003"));

    resolver(true).resolve(results, later());

    assertThat(hub.queries).hasSize(1);
    assertThat(hub.updates).hasSize(2);
    assertThat(hub.updates.get(0))
        .extracting(f -> f.instance().value())
        .containsExactly("i-00000000000000001", "i-00000000000000003");
    assertThat(hub.notes.get(1)).contains("HttpPutResponseHopLimit 2 -> 1");
  }

  @Test
  void notEnabled_isLoggedOnce_andNoCallIsMadeAgainInThisEnvironment() {
    hub.notEnabled = true;
    FindingsResolver resolver = resolver(true);

    assertThat(resolver.resolve(hardened(2), later())).isNull();
    assertThat(resolver.resolve(hardened(2), later())).isNull();

    assertThat(hub.queries).hasSize(1);
    assertThat(lines).containsExactly("INFO security hub not enabled");
    metrics.flush();
    assertThat(metrics.flushed("prod", Metrics.FINDINGS_NOT_RESOLVED)).isZero();
  }

  @Test
  void unprocessedFindings_areLogged_andCounted() {
    hub.perInstance = 2;
    hub.unprocessed =
        List.of(
            new Finding(
                "finding/i-00000000000000001/1",
                PRODUCT_ARN,
                new InstanceId("i-00000000000000001")));

    FindingsResolver.Outcome outcome =
        resolver(true).resolve(List.of(hardened("i-00000000000000001")), later());

    assertThat(outcome.resolved()).isEqualTo(1);
    assertThat(outcome.failures())
        .containsExactly(
            "finding/i-00000000000000001/1: not updated: FindingNotFound: Finding Not Found");
    assertThat(lines).containsExactly("WARN security hub findings not all resolved");
    metrics.flush();
    assertThat(metrics.flushed("prod", Metrics.FINDINGS_RESOLVED)).isEqualTo(1);
    assertThat(metrics.flushed("prod", Metrics.FINDINGS_NOT_RESOLVED)).isEqualTo(1);
  }

  @Test
  void failedCalls_neverThrow_andAreCountedPerFindingOrInstance() {
    hub.failUpdates =
        new Ec2CallException(
            Ec2CallException.Kind.THROTTLED, "TooManyRequestsException", "Rate exceeded", null);

    FindingsResolver.Outcome outcome = resolver(true).resolve(hardened(3), later());

    assertThat(outcome.resolved()).isZero();
    assertThat(outcome.failures())
        .hasSize(3)
        .allMatch(s -> s.contains("BatchUpdateFindings failed"));
    metrics.flush();
    assertThat(metrics.flushed("prod", Metrics.FINDINGS_NOT_RESOLVED)).isEqualTo(3);

    hub.failUpdates = null;
    hub.failQueries = new IllegalStateException("a bug");
    FindingsResolver.Outcome broken = resolver(true).resolve(hardened(1), later());
    assertThat(broken.failures()).singleElement().asString().contains("a bug");
  }

  @Test
  void pastTheDeadline_noCallIsStarted() {
    FindingsResolver.Outcome outcome = resolver(true).resolve(hardened(2), clock.instant());

    assertThat(hub.queries).isEmpty();
    assertThat(outcome.failures()).hasSize(2).allMatch(s -> s.contains("out of time"));
  }

  @Test
  void theOutcomeLine_carriesCountsAndFailures() {
    resolver(true).resolve(hardened(1), later());

    assertThat(details.get(0)).isInstanceOf(FindingsResolver.Outcome.class);
    assertThat(((FindingsResolver.Outcome) details.get(0)).instances()).isEqualTo(1);
  }

  @Test
  void administratorAccount_findingsLeftOpen_loggedOnce_countedEachTime_askedOnce() {
    hub.administrator = true;
    hub.perInstance = 2;
    FindingsResolver resolver = resolver(true);

    assertThat(resolver.resolve(hardened(2), later())).isNull();
    assertThat(resolver.resolve(hardened(1), later())).isNull();

    assertThat(hub.updates).as("no BatchUpdateFindings at all").isEmpty();
    assertThat(hub.memberQueries).as("ListMembers once per execution environment").isEqualTo(1);
    assertThat(lines)
        .containsExactly("WARN security hub findings left open in an administrator account");
    assertThat(details.get(0).toString())
        .contains("IAM cannot keep BatchUpdateFindings to EC2.8 findings")
        .contains("securityHub.allowInAdministratorAccount");
    metrics.flush();
    assertThat(metrics.flushed("prod", Metrics.FINDINGS_LEFT_IN_ADMINISTRATOR_ACCOUNT))
        .isEqualTo(6);
    assertThat(metrics.flushed("prod", Metrics.FINDINGS_RESOLVED)).isZero();
    assertThat(metrics.flushed("prod", Metrics.FINDINGS_NOT_RESOLVED)).isZero();
  }

  @Test
  void administratorAccount_allowed_updatesWithoutAsking() {
    hub.administrator = true;

    FindingsResolver.Outcome outcome =
        resolver(new SecurityHubConfig(true, true)).resolve(hardened(2), later());

    assertThat(hub.memberQueries).isZero();
    assertThat(outcome.resolved()).isEqualTo(2);
    assertThat(lines).containsExactly("INFO security hub findings resolved");
  }

  @Test
  void notAnAdministrator_updates_andIsAskedOncePerEnvironment() {
    FindingsResolver resolver = resolver(true);

    resolver.resolve(hardened(1), later());
    resolver.resolve(hardened(1), later());

    assertThat(hub.memberQueries).isEqualTo(1);
    assertThat(hub.updates).hasSize(2);
  }

  @Test
  void noFindingsToUpdate_listMembersIsNeverCalled() {
    hub.perInstance = 0;

    resolver(true).resolve(hardened(3), later());

    assertThat(hub.queries).hasSize(1);
    assertThat(hub.memberQueries).isZero();
  }

  @Test
  void listMembersFailing_updatesNothing_countsTheFindings_andAsksAgainNextTime() {
    hub.failMembers =
        new Ec2CallException(
            Ec2CallException.Kind.UNAUTHORIZED, "AccessDeniedException", "not authorized", null);
    FindingsResolver resolver = resolver(true);

    FindingsResolver.Outcome outcome = resolver.resolve(hardened(2), later());

    assertThat(hub.updates).isEmpty();
    assertThat(outcome.resolved()).isZero();
    assertThat(outcome.failures()).hasSize(2).allMatch(f -> f.contains("ListMembers failed"));
    assertThat(lines).containsExactly("WARN security hub findings not all resolved");
    metrics.flush();
    assertThat(metrics.flushed("prod", Metrics.FINDINGS_NOT_RESOLVED)).isEqualTo(2);

    hub.failMembers = null;
    resolver.resolve(hardened(1), later());
    assertThat(hub.memberQueries).isEqualTo(2);
    assertThat(hub.updates).hasSize(1);
  }

  @Test
  void deadlinePassedAfterTheRead_noListMembersAndNoUpdate() {
    hub.afterQuery = () -> clock.advance(java.time.Duration.ofSeconds(601));

    FindingsResolver.Outcome outcome = resolver(true).resolve(hardened(2), later());

    assertThat(hub.memberQueries).isZero();
    assertThat(hub.updates).isEmpty();
    assertThat(outcome.failures()).hasSize(2).allMatch(s -> s.contains("out of time"));
  }
}
