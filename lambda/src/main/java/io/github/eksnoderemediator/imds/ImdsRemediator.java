package io.github.eksnoderemediator.imds;

import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.config.Waits;
import io.github.eksnoderemediator.node.EksNode;
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
import io.github.eksnoderemediator.report.InstanceResult;
import io.github.eksnoderemediator.report.OptionsView;
import io.github.eksnoderemediator.report.PolicyView;
import io.github.eksnoderemediator.wait.BoundedWait;
import io.github.eksnoderemediator.wait.WritePacer;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Hardens one instance's metadata options: describe, check scope, decide, apply, confirm. Every
 * expected situation ends in a result; only a broken invariant throws.
 */
public final class ImdsRemediator {
  /** An untagged instance younger than this may still be waiting for its launcher's tags. */
  static final Duration YOUNG = Duration.ofMinutes(5);

  /** How long one paced write may wait for the pacer before the sweep is told to stop. */
  static final Duration PACING_PATIENCE = Duration.ofMinutes(1);

  private final Ec2Gateway ec2;
  private final NodeScope scope;
  private final ImdsPolicy policy;
  private final Waits waits;
  private final BoundedWait wait;
  private final Clock clock;

  public ImdsRemediator(Ec2Gateway ec2, RemediatorConfig config, BoundedWait wait, Clock clock) {
    this.ec2 = ec2;
    this.scope = new NodeScope(config);
    this.policy = new ImdsPolicy(config.imds());
    this.waits = config.waits();
    this.wait = wait;
    this.clock = clock;
  }

  public InstanceResult remediate(InstanceId id, boolean dryRun) {
    InstanceView instance;
    try {
      Optional<InstanceView> found =
          wait.until(
              () -> ec2.describeInstance(id),
              Optional::isPresent,
              waits.notFound(),
              waits.firstBackoff());
      if (found.isEmpty()) {
        return InstanceResult.of(id, null, dryRun)
            .fail(
                true,
                "EC2 does not show the instance after "
                    + waits.notFound().toSeconds()
                    + " s (InvalidInstanceID.NotFound); right after a launch EC2 is eventually consistent");
      }
      instance = awaitLauncherTags(found.get());
    } catch (Ec2CallException e) {
      return InstanceResult.of(id, null, dryRun)
          .fail(e.retryable(), "DescribeInstances failed: " + describe(e));
    }
    return remediate(instance, dryRun, WritePacer.UNPACED);
  }

  /**
   * Hardens an instance already described (by a sweep's listing), asking {@code pacer} before the
   * write: no second describe unless a change must be confirmed.
   */
  public InstanceResult remediate(InstanceView instance, boolean dryRun, WritePacer pacer) {
    InstanceId id = instance.id();
    ScopeDecision inScope = scope.evaluate(instance);
    if (inScope instanceof OutOfScope out) {
      return InstanceResult.of(id, out.node().orElse(null), dryRun)
          .before(OptionsView.of(instance.metadataOptions()))
          .decide(Decision.SKIPPED, skipReason(out, instance));
    }
    EksNode node = ((InScope) inScope).node();
    MetadataOptions current = instance.metadataOptions();
    ImdsDecision decision = policy.decide(node, current);
    InstanceResult.Builder result =
        InstanceResult.of(id, node, dryRun)
            .before(OptionsView.of(current))
            .policy(PolicyView.of(decision.band()));

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
      case ImdsDecision.Change change when dryRun ->
          result
              .after(OptionsView.of(change.target()))
              .decide(
                  Decision.CHANGED,
                  "dry run, would change: " + String.join("; ", change.changes()));
      case ImdsDecision.Change change -> apply(instance, change, result, pacer);
    };
  }

  private InstanceResult apply(
      InstanceView instance,
      ImdsDecision.Change change,
      InstanceResult.Builder result,
      WritePacer pacer) {
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
    String changed = String.join("; ", change.changes());
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

  /**
   * Launchers tag at launch, but Auto Scaling's tag propagation can lag by seconds. An instance
   * with no tags at all that launched moments ago is described again, within a bounded wait,
   * instead of being judged "not an EKS node" too early.
   */
  private InstanceView awaitLauncherTags(InstanceView instance) {
    if (!instance.tags().isEmpty() || instance.state().isGoingAway() || !isYoung(instance)) {
      return instance;
    }
    Optional<InstanceView> settled =
        wait.continueUntil(
            Optional.of(instance),
            () -> ec2.describeInstance(instance.id()),
            v -> v.isEmpty() || !v.get().tags().isEmpty(),
            waits.tagSettle(),
            waits.firstBackoff());
    return settled.orElse(instance);
  }

  private boolean isYoung(InstanceView instance) {
    return instance.launchTime() != null
        && instance.launchTime().isAfter(clock.instant().minus(YOUNG));
  }

  private String skipReason(OutOfScope out, InstanceView instance) {
    if (out.why() == ScopeDecision.SkipReason.NOT_EKS_NODE
        && instance.tags().isEmpty()
        && isYoung(instance)) {
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
          describe(e)
              + " (instance was "
              + instance.state()
              + "; its running event or Lambda's retry will try again)";
      case UNAUTHORIZED ->
          describe(e)
              + " (the role allows it only on instances carrying in-scope cluster tags, never on"
              + " opted-out ones, and denies non-hardening values)";
      default -> describe(e);
    };
  }

  private static String describe(Ec2CallException e) {
    return e.errorCode() + ": " + e.getMessage();
  }
}
