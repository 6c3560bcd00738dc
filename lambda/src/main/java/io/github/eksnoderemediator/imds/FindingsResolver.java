package io.github.eksnoderemediator.imds;

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
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * After the function hardens nodes, resolves their open Security Hub EC2.8 findings ("EC2 instances
 * should use IMDSv2"): workflow status {@code RESOLVED} and a note saying what changed, so the
 * people working the findings see the fix before Security Hub's own next check turns the finding's
 * compliance to {@code PASSED}. Best effort: nothing here changes a node's result or makes an
 * invocation fail. Where Security Hub is not enabled, the first call says so and no other is made
 * for the life of the execution environment.
 *
 * <p>IAM cannot limit {@code BatchUpdateFindings} to EC2.8 findings: only this code does. So before
 * its first update in an execution environment it asks whether the account administers Security Hub
 * for member accounts (their findings would be within the role's reach too), and unless {@code
 * securityHub.allowInAdministratorAccount} is set, it updates nothing there.
 */
public final class FindingsResolver {
  /** The product the note names. */
  public static final String PRODUCT = "EKS Node Remediator";

  private static final String REQUIRED = "required";

  private final boolean enabled;
  private final boolean allowInAdministratorAccount;
  private final Supplier<FindingsGateway> connect;
  private final Metrics metrics;
  private final FindingsLog log;
  private final Clock clock;
  private FindingsGateway gateway;
  private boolean notEnabled;

  /** Whether ListMembers listed members; null until asked (once per execution environment). */
  private Boolean administrator;

  /**
   * @param connect builds the gateway (and its SDK client) when the first hardened node needs it,
   *     never at INIT: most invocations harden nothing
   */
  public FindingsResolver(
      SecurityHubConfig config,
      Supplier<FindingsGateway> connect,
      Metrics metrics,
      FindingsLog log,
      Clock clock) {
    this.enabled = config.updateFindings();
    this.allowInAdministratorAccount = config.allowInAdministratorAccount();
    this.connect = connect;
    this.metrics = metrics;
    this.log = log;
    this.clock = clock;
  }

  /** A resolver that never calls Security Hub. */
  public static FindingsResolver off() {
    return new FindingsResolver(
        new SecurityHubConfig(false),
        () -> {
          throw new IllegalStateException("Security Hub updates are off");
        },
        Metrics.NONE,
        (level, message, detail) -> {},
        Clock.systemUTC());
  }

  /** Where the resolver's one line per invocation goes (the decision log's JSON lines). */
  @FunctionalInterface
  public interface FindingsLog {
    void write(String level, String message, Object detail);
  }

  /**
   * What one invocation did, for its log line.
   *
   * @param instances the hardened instances looked up
   * @param found their open EC2.8 findings
   * @param resolved findings Security Hub took the update for
   * @param failures one sentence per finding or call that did not go through
   */
  public record Outcome(int instances, int found, int resolved, List<String> failures) {
    public Outcome {
      failures = List.copyOf(failures);
    }
  }

  /**
   * True for a result whose write moved tokens to {@code required}: the EC2.8 control's subject.
   * Dry runs, compliant nodes, hop-limit-only changes and failures are not.
   */
  static boolean hardened(InstanceResult r) {
    return !r.dryRun()
        && r.decision() == Decision.CHANGED
        && r.before() != null
        && r.after() != null
        && !REQUIRED.equals(r.before().httpTokens())
        && REQUIRED.equals(r.after().httpTokens());
  }

  /** The note a hardened node's findings get: the product, and the options before and after. */
  static String note(InstanceResult r) {
    OptionsView b = r.before();
    OptionsView a = r.after();
    return PRODUCT
        + " required IMDSv2 on this instance with ModifyInstanceMetadataOptions: HttpTokens "
        + b.httpTokens()
        + " -> "
        + a.httpTokens()
        + ", HttpPutResponseHopLimit "
        + b.httpPutResponseHopLimit()
        + " -> "
        + a.httpPutResponseHopLimit()
        + (Boolean.TRUE.equals(r.applied())
            ? " (applied)"
            : " (EC2 reported the change " + a.state() + ")")
        + ". Security Hub sets the compliance status at its next check of EC2.8.";
  }

  /**
   * Resolves the findings of the hardened nodes among {@code results}; does nothing when updates
   * are off, Security Hub is not enabled, or no result hardened a node. In a Security Hub
   * administrator account (unless allowed there) it reads the findings, counts them as left open,
   * and updates none.
   *
   * @param deadline no call is started after it
   * @return what was done, or null when nothing was attempted
   */
  public Outcome resolve(Collection<InstanceResult> results, Instant deadline) {
    if (!enabled || notEnabled) {
      return null;
    }
    Map<InstanceId, InstanceResult> hardened = new LinkedHashMap<>();
    for (InstanceResult r : results) {
      if (hardened(r)) {
        hardened.put(new InstanceId(r.instanceId()), r);
      }
    }
    if (hardened.isEmpty()) {
      return null;
    }
    List<String> failures = new ArrayList<>();
    int[] counts = new int[2];
    try {
      if (!resolve(hardened, deadline, failures, counts)) {
        return null;
      }
    } catch (FindingsGateway.NotEnabledException e) {
      notEnabled = true;
      log.write(
          "INFO",
          "security hub not enabled",
          Map.of(
              "reason",
              e.getMessage(),
              "effect",
              "no Security Hub calls until this execution environment ends"));
      return null;
    } catch (RuntimeException e) {
      // Best effort: a bug or an unexpected answer here must not fail the remediation.
      failures.add("Security Hub update stopped: " + e);
    }
    Outcome outcome = new Outcome(hardened.size(), counts[0], counts[1], failures);
    log.write(
        failures.isEmpty() ? "INFO" : "WARN",
        "security hub " + (failures.isEmpty() ? "findings resolved" : "findings not all resolved"),
        outcome);
    return outcome;
  }

  /**
   * @return false when the findings were left open in an administrator account
   */
  private boolean resolve(
      Map<InstanceId, InstanceResult> hardened,
      Instant deadline,
      List<String> failures,
      int[] counts) {
    FindingsGateway hub = gateway();
    List<InstanceId> ids = new ArrayList<>(hardened.keySet());
    // Instances with the same before and after share a note, so one BatchUpdateFindings call.
    Map<String, List<Finding>> byNote = new LinkedHashMap<>();
    for (int i = 0; i < ids.size(); i += FindingsGateway.MAX_INSTANCES_PER_QUERY) {
      List<InstanceId> chunk =
          ids.subList(i, Math.min(ids.size(), i + FindingsGateway.MAX_INSTANCES_PER_QUERY));
      if (!clock.instant().isBefore(deadline)) {
        chunk.forEach(
            id -> failed(hardened.get(id), failures, id.value() + ": not looked up, out of time"));
        continue;
      }
      List<Finding> found;
      try {
        found = hub.openImdsFindings(chunk);
      } catch (Ec2CallException e) {
        chunk.forEach(
            id ->
                failed(
                    hardened.get(id),
                    failures,
                    id.value() + ": GetFindings failed: " + e.summary()));
        continue;
      }
      counts[0] += found.size();
      for (Finding f : found) {
        byNote.computeIfAbsent(note(hardened.get(f.instance())), n -> new ArrayList<>()).add(f);
      }
    }
    if (!byNote.isEmpty() && leaveOpen(hub, byNote, hardened, deadline, failures)) {
      return !Boolean.TRUE.equals(administrator);
    }
    for (Map.Entry<String, List<Finding>> group : byNote.entrySet()) {
      List<Finding> all = group.getValue();
      for (int i = 0; i < all.size(); i += FindingsGateway.MAX_FINDINGS_PER_UPDATE) {
        List<Finding> batch =
            all.subList(i, Math.min(all.size(), i + FindingsGateway.MAX_FINDINGS_PER_UPDATE));
        update(hub, batch, group.getKey(), hardened, deadline, failures, counts);
      }
    }
    return true;
  }

  /**
   * True when the findings must not be updated: this account administers Security Hub for member
   * accounts and that is not allowed, or whether it does could not be found out (asked again at the
   * next invocation). Asked before the first update of the execution environment, never at INIT and
   * never when there is nothing to update; the answer holds until the environment ends.
   */
  private boolean leaveOpen(
      FindingsGateway hub,
      Map<String, List<Finding>> byNote,
      Map<InstanceId, InstanceResult> hardened,
      Instant deadline,
      List<String> failures) {
    if (allowInAdministratorAccount) {
      return false;
    }
    if (administrator == null && !clock.instant().isBefore(deadline)) {
      // No call after the deadline: every update is then skipped as out of time, and counted.
      return false;
    }
    if (administrator == null) {
      try {
        administrator = hub.administersMembers();
      } catch (Ec2CallException e) {
        // Not knowing is not permission: a member's findings may be within reach.
        for (List<Finding> group : byNote.values()) {
          for (Finding f : group) {
            failed(
                hardened.get(f.instance()),
                failures,
                f.id() + ": not updated, ListMembers failed: " + e.summary());
          }
        }
        return true;
      }
      if (administrator) {
        Map<String, String> why = new LinkedHashMap<>();
        why.put(
            "reason",
            "ListMembers lists member accounts: this hub can hold their findings, and IAM cannot"
                + " keep BatchUpdateFindings to EC2.8 findings (only this function's code does)");
        why.put(
            "effect",
            "no finding is updated here until this execution environment ends; each left open"
                + " counts in "
                + Metrics.FINDINGS_LEFT_IN_ADMINISTRATOR_ACCOUNT);
        why.put("setting", "securityHub.allowInAdministratorAccount: true updates them here");
        log.write("WARN", "security hub findings left open in an administrator account", why);
      }
    }
    if (administrator) {
      for (List<Finding> group : byNote.values()) {
        for (Finding f : group) {
          InstanceResult r = hardened.get(f.instance());
          metrics.count(
              r == null ? null : r.cluster(), Metrics.FINDINGS_LEFT_IN_ADMINISTRATOR_ACCOUNT, 1);
        }
      }
    }
    return administrator;
  }

  private void update(
      FindingsGateway hub,
      List<Finding> batch,
      String note,
      Map<InstanceId, InstanceResult> hardened,
      Instant deadline,
      List<String> failures,
      int[] counts) {
    if (!clock.instant().isBefore(deadline)) {
      batch.forEach(
          f -> failed(hardened.get(f.instance()), failures, f.id() + ": not updated, out of time"));
      return;
    }
    List<Unprocessed> unprocessed;
    try {
      unprocessed = hub.resolve(batch, note);
    } catch (Ec2CallException e) {
      batch.forEach(
          f ->
              failed(
                  hardened.get(f.instance()),
                  failures,
                  f.id() + ": BatchUpdateFindings failed: " + e.summary()));
      return;
    }
    Set<Finding> notTaken = new HashSet<>();
    for (Unprocessed u : unprocessed) {
      InstanceResult r = u.finding() == null ? null : hardened.get(u.finding().instance());
      notTaken.add(u.finding());
      failed(
          r,
          failures,
          (u.finding() == null ? "?" : u.finding().id())
              + ": not updated: "
              + u.errorCode()
              + ": "
              + u.message());
    }
    for (Finding f : batch) {
      if (!notTaken.contains(f)) {
        counts[1]++;
        metrics.count(hardened.get(f.instance()).cluster(), Metrics.FINDINGS_RESOLVED, 1);
      }
    }
  }

  private void failed(InstanceResult r, List<String> failures, String sentence) {
    failures.add(sentence);
    metrics.count(r == null ? null : r.cluster(), Metrics.FINDINGS_NOT_RESOLVED, 1);
  }

  private FindingsGateway gateway() {
    if (gateway == null) {
      gateway = connect.get();
    }
    return gateway;
  }
}
