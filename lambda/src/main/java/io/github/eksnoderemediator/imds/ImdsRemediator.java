package io.github.eksnoderemediator.imds;

import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.config.Waits;
import io.github.eksnoderemediator.node.EksNode;
import io.github.eksnoderemediator.node.InstanceLookup;
import io.github.eksnoderemediator.node.NodeScope;
import io.github.eksnoderemediator.node.ScopeDecision;
import io.github.eksnoderemediator.node.ScopeDecision.InScope;
import io.github.eksnoderemediator.node.ScopeDecision.OutOfScope;
import io.github.eksnoderemediator.port.Ec2CallException;
import io.github.eksnoderemediator.port.Ec2Gateway;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.port.InstanceState;
import io.github.eksnoderemediator.port.InstanceView;
import io.github.eksnoderemediator.port.MetadataOptions;
import io.github.eksnoderemediator.port.MetadataOptions.ApplyState;
import io.github.eksnoderemediator.report.Decision;
import io.github.eksnoderemediator.report.ImdsV1View;
import io.github.eksnoderemediator.report.InstanceResult;
import io.github.eksnoderemediator.report.OptionsView;
import io.github.eksnoderemediator.report.PolicyView;
import io.github.eksnoderemediator.wait.BoundedWait;
import io.github.eksnoderemediator.wait.WritePacer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Hardens one instance's metadata options: describe, check scope, decide, apply, confirm. Every
 * expected situation ends in a result; only a broken invariant throws.
 */
public final class ImdsRemediator {
  /** How long one paced write may wait for the pacer before the sweep is told to stop. */
  static final Duration PACING_PATIENCE = Duration.ofMinutes(1);

  private final Ec2Gateway ec2;
  private final NodeScope scope;
  private final ImdsPolicy policy;
  private final Waits waits;
  private final BoundedWait wait;
  private final ImdsV1UseCheck imdsV1;
  private final InstanceLookup<InstanceView> lookup;

  /** A remediator that does not read IMDSv1 use: every node is treated as not checked. */
  public ImdsRemediator(Ec2Gateway ec2, RemediatorConfig config, BoundedWait wait, Clock clock) {
    this(ec2, config, wait, clock, ImdsV1UseCheck.none(clock));
  }

  /**
   * @param imdsV1 reads IMDSv1 use before tokens are required on a node that is not new
   */
  public ImdsRemediator(
      Ec2Gateway ec2,
      RemediatorConfig config,
      BoundedWait wait,
      Clock clock,
      ImdsV1UseCheck imdsV1) {
    this.ec2 = ec2;
    this.scope = new NodeScope(config);
    this.policy = new ImdsPolicy(config.imds());
    this.waits = config.waits();
    this.wait = wait;
    this.imdsV1 = imdsV1;
    this.lookup = new InstanceLookup<>(ec2::describeInstance, waits, wait, clock);
  }

  /**
   * Reads IMDSv1 use for every in-scope node of a listing that needs it, together (one
   * GetMetricData call per 500 nodes), for {@link #remediate(InstanceView, boolean, WritePacer,
   * Map)}.
   */
  public Map<InstanceId, ImdsV1Use> checkImdsV1Use(List<InstanceView> nodes) {
    return imdsV1.check(nodes.stream().filter(n -> scope.evaluate(n) instanceof InScope).toList());
  }

  public InstanceResult remediate(InstanceId id, boolean dryRun) {
    InstanceView instance;
    try {
      Optional<InstanceView> found = lookup.find(id);
      if (found.isEmpty()) {
        return InstanceResult.of(id, null, dryRun).fail(true, lookup.notShown());
      }
      instance = lookup.awaitLauncherTags(found.get());
    } catch (Ec2CallException e) {
      return InstanceResult.of(id, null, dryRun)
          .fail(e.retryable(), "DescribeInstances failed: " + e.summary());
    }
    return remediate(instance, dryRun, WritePacer.UNPACED);
  }

  /**
   * Hardens an instance already described (by a sweep's listing), asking {@code pacer} before the
   * write: no second describe unless a change must be confirmed.
   */
  public InstanceResult remediate(InstanceView instance, boolean dryRun, WritePacer pacer) {
    return remediate(instance, dryRun, pacer, Map.of());
  }

  /**
   * As {@link #remediate(InstanceView, boolean, WritePacer)}, with IMDSv1 use already read by
   * {@link #checkImdsV1Use}; a node missing from {@code imdsV1Use} is read on its own if it needs
   * it.
   */
  public InstanceResult remediate(
      InstanceView instance,
      boolean dryRun,
      WritePacer pacer,
      Map<InstanceId, ImdsV1Use> imdsV1Use) {
    InstanceId id = instance.id();
    ScopeDecision inScope = scope.evaluate(instance);
    if (inScope instanceof OutOfScope out) {
      return InstanceResult.of(id, out.node().orElse(null), dryRun)
          .before(OptionsView.of(instance.metadataOptions()))
          .outOfScope(out.why(), skipReason(out, instance));
    }
    EksNode node = ((InScope) inScope).node();
    MetadataOptions current = instance.metadataOptions();
    ImdsV1Use use = imdsV1Use.get(id);
    if (use == null) {
      use = imdsV1.check(instance);
    }
    ImdsDecision decision = policy.decide(node, current, use);
    InstanceResult.Builder result =
        InstanceResult.of(id, node, dryRun)
            .before(OptionsView.of(current))
            .policy(PolicyView.of(decision.band(), policy.modeFor(node)))
            .imdsV1(current.httpTokens() == MetadataOptions.Tokens.REQUIRED ? null : view(use));
    String useNote = useNote(use);

    return switch (decision) {
      case ImdsDecision.Compliant c ->
          result
              .after(OptionsView.of(current))
              .decide(
                  Decision.COMPLIANT,
                  "already compliant: HttpTokens required, hop limit "
                      + current.hopLimit()
                      + " within "
                      + c.band().band()
                      + " from "
                      + c.band().source());
      case ImdsDecision.Deferred d ->
          result
              .after(OptionsView.of(current))
              .decide(
                  Decision.DEFERRED,
                  (dryRun ? "dry run, " : "")
                      + "deferred: "
                      + deferredBecause(d.use())
                      + " (imdsV1Usage defer from "
                      + d.mode().source()
                      + "); nothing written; would change: "
                      + String.join("; ", d.changes()));
      case ImdsDecision.Change change when dryRun ->
          result
              .after(OptionsView.of(change.target()))
              .decide(
                  Decision.CHANGED,
                  "dry run, would change: " + String.join("; ", change.changes()) + useNote);
      case ImdsDecision.Change change -> apply(instance, change, result, pacer, useNote);
    };
  }

  private static String deferredBecause(ImdsV1Use use) {
    return switch (use) {
      case ImdsV1Use.Calls c -> c.describe();
      case ImdsV1Use.Unknown u -> "IMDSv1 use unknown (" + u.why() + ")";
      case ImdsV1Use.NotChecked n -> n.why();
    };
  }

  /** What an enforced change adds to its reason: how many IMDSv1 callers will now get 401. */
  private static String useNote(ImdsV1Use use) {
    return switch (use) {
      case ImdsV1Use.Calls c when c.calls() > 0 ->
          "; enforced despite " + c.describe() + ": those clients now get 401";
      case ImdsV1Use.Unknown u -> "; IMDSv1 use unknown (" + u.why() + "), enforced";
      case ImdsV1Use.Calls c -> "";
      case ImdsV1Use.NotChecked n -> "";
    };
  }

  private static ImdsV1View view(ImdsV1Use use) {
    return switch (use) {
      case ImdsV1Use.Calls c -> new ImdsV1View(c.calls(), c.lookback().toHours(), c.describe());
      case ImdsV1Use.Unknown u ->
          new ImdsV1View(null, u.lookback().toHours(), "unknown: " + u.why());
      case ImdsV1Use.NotChecked n -> new ImdsV1View(null, null, "not checked: " + n.why());
    };
  }

  private InstanceResult apply(
      InstanceView instance,
      ImdsDecision.Change change,
      InstanceResult.Builder result,
      WritePacer pacer,
      String useNote) {
    try {
      if (!pacer.acquire(PACING_PATIENCE)) {
        return result.fail(
            true,
            "not changed: no write allowed within the sweep's pacing; the next sweep continues");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return result.fail(true, "not changed: interrupted while pacing writes");
    }
    MetadataOptions response;
    try {
      response = ec2.modifyMetadataOptions(instance.id(), change.target());
    } catch (Ec2CallException e) {
      return result.fail(
          e.retryable(), "ModifyInstanceMetadataOptions failed: " + explain(e, instance));
    }
    String changed = String.join("; ", change.changes()) + useNote;
    if (response.state() == ApplyState.APPLIED) {
      return result.after(OptionsView.of(response)).applied(true).decide(Decision.CHANGED, changed);
    }
    if (instance.state() != InstanceState.RUNNING) {
      // EC2 applies options of a stopped (or still pending) instance when it runs.
      return result
          .after(OptionsView.of(response))
          .applied(false)
          .decide(Decision.CHANGED, changed + "; EC2 applies it when the instance runs");
    }
    MetadataOptions confirmed = confirm(instance.id(), response);
    boolean applied = confirmed.state() == ApplyState.APPLIED;
    return result
        .after(OptionsView.of(confirmed))
        .applied(applied)
        .decide(
            Decision.CHANGED,
            applied
                ? changed
                : changed + "; not yet applied after " + waits.applied().toSeconds() + " s");
  }

  /** Waits, bounded, for the options to reach {@code applied}; a describe failure ends the wait. */
  private MetadataOptions confirm(InstanceId id, MetadataOptions response) {
    try {
      return wait.continueUntil(
          response,
          () -> ec2.describeInstance(id).map(InstanceView::metadataOptions).orElse(response),
          o -> o.state() == ApplyState.APPLIED,
          waits.applied(),
          waits.firstBackoff());
    } catch (Ec2CallException e) {
      return response;
    }
  }

  private String skipReason(OutOfScope out, InstanceView instance) {
    if (out.why() == ScopeDecision.SkipReason.NOT_EKS_NODE
        && instance.tags().isEmpty()
        && lookup.isYoung(instance)) {
      return out.reason()
          + " (no tags at all "
          + waits.tagSettle().toSeconds()
          + " s after launch: if a launcher tags it later, its running event or a manual run checks it again)";
    }
    return out.reason();
  }

  private static String explain(Ec2CallException e, InstanceView instance) {
    return switch (e.kind()) {
      case INCORRECT_STATE ->
          e.summary()
              + " (instance was "
              + instance.state()
              + "; its running event or Lambda's retry will try again)";
      case UNAUTHORIZED ->
          e.summary()
              + " (the role allows it only on instances carrying in-scope cluster tags, never on"
              + " opted-out ones, and denies non-hardening values)";
      default -> e.summary();
    };
  }
}
