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
import io.github.eksnoderemediator.report.HopLimitChange;
import io.github.eksnoderemediator.report.ImdsV1View;
import io.github.eksnoderemediator.report.InstanceResult;
import io.github.eksnoderemediator.report.OptionsView;
import io.github.eksnoderemediator.report.PolicyView;
import io.github.eksnoderemediator.wait.BoundedWait;
import io.github.eksnoderemediator.wait.WritePacer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Predicate;
import java.util.function.Supplier;

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
  private final Clock clock;
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
    this.clock = clock;
    this.imdsV1 = imdsV1;
    this.lookup = new InstanceLookup<>(ec2::describeInstance, waits, wait, clock);
  }

  /**
   * Reads IMDSv1 use for every in-scope node of a listing that needs it, together (one
   * GetMetricData call per 500 nodes), for {@link #remediate(InstanceView, boolean, WritePacer,
   * Map)}.
   */
  public Map<InstanceId, ImdsV1Use> checkImdsV1Use(Collection<InstanceView> nodes) {
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
    return switch (plan(instance, dryRun, imdsV1Use)) {
      case Plan.Done d -> d.result();
      case Plan.Write w -> {
        Written written = write(w, pacer);
        yield written.result() != null
            ? written.result()
            : finish(w, written.response(), confirm(instance.id(), written.response()));
      }
    };
  }

  /**
   * What to do with one described instance: a finished result (out of scope, compliant, dry run) or
   * a write still to make. Pure apart from the clock: no AWS call.
   */
  sealed interface Plan {
    /** Nothing to write: the result is final. */
    record Done(InstanceResult result) implements Plan {}

    /**
     * A write to make, with the result so far.
     *
     * @param useNote what the reason adds about the node's IMDSv1 callers, or empty
     */
    record Write(
        InstanceView instance,
        ImdsDecision.Change change,
        InstanceResult.Builder result,
        String useNote)
        implements Plan {}
  }

  /**
   * @param imdsV1Use IMDSv1 use read beforehand; a node missing from it is read on its own if its
   *     mode needs it
   */
  Plan plan(InstanceView instance, boolean dryRun, Map<InstanceId, ImdsV1Use> imdsV1Use) {
    InstanceId id = instance.id();
    ScopeDecision inScope = scope.evaluate(instance);
    if (inScope instanceof OutOfScope out) {
      return new Plan.Done(
          InstanceResult.of(id, out.node().orElse(null), dryRun)
              .before(OptionsView.of(instance.metadataOptions()))
              .outOfScope(out.why(), skipReason(out, instance)));
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
            .imdsV1(view(use));
    String useNote = useNote(use);

    return switch (decision) {
      case ImdsDecision.Compliant c ->
          new Plan.Done(
              result
                  .after(OptionsView.of(current))
                  .decide(
                      Decision.COMPLIANT,
                      "already compliant: HttpTokens required, hop limit "
                          + current.hopLimit()
                          + " within "
                          + c.band().band()
                          + " from "
                          + c.band().source()));
      case ImdsDecision.Deferred d ->
          new Plan.Done(
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
                          + String.join("; ", d.changes())));
      case ImdsDecision.Change change when dryRun ->
          new Plan.Done(
              result
                  .after(OptionsView.of(change.target()))
                  .hopLimitChange(hopLimitChange(current, change))
                  .decide(
                      Decision.CHANGED,
                      "dry run, would change: " + String.join("; ", change.changes()) + useNote));
      case ImdsDecision.Change change -> new Plan.Write(instance, change, result, useNote);
    };
  }

  private static HopLimitChange hopLimitChange(MetadataOptions current, ImdsDecision.Change c) {
    return HopLimitChange.between(current.hopLimit(), c.target().hopLimit(), c.band());
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

  /**
   * One write's outcome: a final {@code result} (refused, not paced in time, or nothing left to
   * confirm), or the {@code response} of a write whose options EC2 still reports {@code pending}.
   */
  record Written(
      Plan.Write plan, InstanceResult result, MetadataOptions response, Ec2CallException error) {}

  private Written write(Plan.Write w, WritePacer pacer) {
    InstanceResult.Builder result = w.result();
    try {
      if (!pacer.acquire(PACING_PATIENCE)) {
        return new Written(
            w,
            result.fail(
                true,
                "not changed: no write allowed within the sweep's pacing; the next sweep continues"),
            null,
            null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Written(
          w, result.fail(true, "not changed: interrupted while pacing writes"), null, null);
    }
    return writeNow(w);
  }

  /** Makes the write {@code w} plans; the caller has paced it. */
  private Written writeNow(Plan.Write w) {
    return writeNow(w, false);
  }

  /**
   * Makes the write {@code w} plans; the caller has paced it.
   *
   * @param once one attempt, a throttled answer returned at once: the caller's pacer retries
   */
  private Written writeNow(Plan.Write w, boolean once) {
    MetadataOptions response;
    try {
      response =
          once
              ? ec2.modifyMetadataOptionsOnce(w.instance().id(), w.change().target())
              : ec2.modifyMetadataOptions(w.instance().id(), w.change().target());
    } catch (Ec2CallException e) {
      return new Written(
          w,
          w.result()
              .fail(
                  e.retryable(),
                  "ModifyInstanceMetadataOptions failed: " + explain(e, w.instance())),
          null,
          e);
    }
    if (response.state() == ApplyState.APPLIED || w.instance().state() != InstanceState.RUNNING) {
      return new Written(w, finish(w, response, response), response, null);
    }
    return new Written(w, null, response, null);
  }

  /**
   * The result of a write, from EC2's response and, for a running instance, the confirmed options.
   */
  private InstanceResult finish(Plan.Write w, MetadataOptions response, MetadataOptions confirmed) {
    InstanceResult.Builder result =
        w.result().hopLimitChange(hopLimitChange(w.instance().metadataOptions(), w.change()));
    String changed = String.join("; ", w.change().changes()) + w.useNote();
    if (response.state() == ApplyState.APPLIED) {
      return result.after(OptionsView.of(response)).applied(true).decide(Decision.CHANGED, changed);
    }
    if (w.instance().state() != InstanceState.RUNNING) {
      // EC2 applies options of a stopped (or still pending) instance when it runs.
      return result
          .after(OptionsView.of(response))
          .applied(false)
          .decide(Decision.CHANGED, changed + "; EC2 applies it when the instance runs");
    }
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

  /**
   * How often one write may fail with EC2 or the network failing (5xx, a reset), within a batch:
   * the attempts the SDK would otherwise have made.
   */
  static final int UNAVAILABLE_WRITE_ATTEMPTS = 3;

  /**
   * How often one write may come back throttled within a batch. The pacer paces every attempt and
   * the deadline ends them; this bound only ends a batch without a deadline (the local command)
   * whose account stays throttled. A write that reaches it fails retryably: its message is
   * delivered again, never lost.
   */
  static final int THROTTLED_WRITE_ATTEMPTS = 20;

  /**
   * What one batch did.
   *
   * @param results one per instance reached, in the order given
   * @param notReached instances the deadline left untouched: their events must be delivered again
   */
  public record BatchOutcome(List<InstanceResult> results, Set<InstanceId> notReached) {
    public BatchOutcome {
      results = List.copyOf(results);
      notReached = Set.copyOf(notReached);
    }
  }

  /**
   * Hardens many instances at once, as a queue batch brings them: one DescribeInstances per 1,000
   * ids (again only for ids EC2 does not show yet, and for fresh instances still without tags),
   * every decision before the first write, writes paced by {@code pacer}, a write that comes back
   * throttled tried again later in the batch, and one read per 1,000 to confirm the writes.
   *
   * @param ids distinct instances
   * @param deadline when to stop starting writes; instances not reached by then are returned as
   *     such, never as results
   */
  public BatchOutcome remediateAll(
      Collection<InstanceId> ids, boolean dryRun, WritePacer pacer, Instant deadline) {
    Map<InstanceId, InstanceResult> results = new HashMap<>();
    Set<InstanceId> notReached = new LinkedHashSet<>();
    if (!clock.instant().isBefore(deadline)) {
      return new BatchOutcome(List.of(), new LinkedHashSet<>(ids));
    }
    Map<InstanceId, InstanceView> views = new HashMap<>();
    try {
      readUntil(ids, views, v -> true, waits.notFound(), deadline, false);
      Set<InstanceId> untagged = new LinkedHashSet<>();
      views.values().stream()
          .filter(v -> v.tags().isEmpty() && !v.state().isGoingAway() && lookup.isYoung(v))
          .forEach(v -> untagged.add(v.id()));
      readUntil(untagged, views, v -> !v.tags().isEmpty(), waits.tagSettle(), deadline, true);
    } catch (Ec2CallException e) {
      for (InstanceId id : ids) {
        if (!views.containsKey(id)) {
          results.put(
              id,
              InstanceResult.of(id, null, dryRun)
                  .fail(e.retryable(), "DescribeInstances failed: " + e.summary()));
        }
      }
    }

    // One batched read of IMDSv1 use for the batch's nodes that need it (new launches do not).
    Map<InstanceId, ImdsV1Use> imdsV1Use = checkImdsV1Use(views.values());
    List<Plan.Write> writes = new ArrayList<>();
    for (InstanceId id : ids) {
      InstanceView view = views.get(id);
      if (view == null) {
        results.computeIfAbsent(
            id, i -> InstanceResult.of(i, null, dryRun).fail(true, lookup.notShown()));
        continue;
      }
      switch (plan(view, dryRun, imdsV1Use)) {
        case Plan.Done d -> results.put(id, d.result());
        case Plan.Write w -> writes.add(w);
      }
    }

    Map<InstanceId, Written> pending = writeAll(writes, pacer, deadline, results, notReached);
    confirmAll(pending, deadline, results);

    List<InstanceResult> ordered = new ArrayList<>();
    for (InstanceId id : ids) {
      if (results.containsKey(id)) {
        ordered.add(results.get(id));
      }
    }
    return new BatchOutcome(ordered, notReached);
  }

  /**
   * Makes writes a sweep planned from its listing, in order and paced, a throttled one tried again
   * later, then confirms them together (one read per 1,000) instead of one read and one backoff per
   * write: the confirmations no longer stand between the paced writes.
   *
   * @return results in the order of {@code writes}; writes the pacer or the deadline did not allow
   *     are in {@code notReached}
   */
  BatchOutcome writeAndConfirm(List<Plan.Write> writes, WritePacer pacer, Instant deadline) {
    Map<InstanceId, InstanceResult> results = new HashMap<>();
    Set<InstanceId> notReached = new LinkedHashSet<>();
    Map<InstanceId, Written> pending = writeAll(writes, pacer, deadline, results, notReached);
    confirmAll(pending, deadline, results);
    List<InstanceResult> ordered = new ArrayList<>(writes.size());
    for (Plan.Write w : writes) {
      InstanceResult result = results.get(w.instance().id());
      if (result != null) {
        ordered.add(result);
      }
    }
    return new BatchOutcome(ordered, notReached);
  }

  /**
   * The most writes of one batch in flight at once. EC2's bucket lets a burst of writes through at
   * once; made one after the other, 100 writes would take 100 round trips.
   */
  static final int WRITES_IN_FLIGHT = 10;

  /**
   * Makes the writes, each after the pacer allows it, each in one attempt, several at once: one at
   * first, one more after each success (twice as many each round trip) up to {@link
   * #WRITES_IN_FLIGHT}, one again after a throttled answer (so a batch that starts against an empty
   * bucket sends one probe, not a volley). A throttled write tells the pacer and goes to the back
   * of the line, as often as the deadline allows; one that met a failing EC2 a few times at most.
   * What the deadline leaves is added to {@code notReached}.
   *
   * @return the writes whose options EC2 still reports {@code pending}, to confirm
   */
  private Map<InstanceId, Written> writeAll(
      List<Plan.Write> writes,
      WritePacer pacer,
      Instant deadline,
      Map<InstanceId, InstanceResult> results,
      Set<InstanceId> notReached) {
    Map<InstanceId, Written> pending = new LinkedHashMap<>();
    Map<InstanceId, Integer> throttled = new HashMap<>();
    Map<InstanceId, Integer> unavailable = new HashMap<>();
    Deque<Plan.Write> line = new ArrayDeque<>(writes);
    BlockingQueue<Written> answered = new LinkedBlockingQueue<>();
    int inFlight = 0;
    int window = 1;
    boolean stopped = false;
    try (ExecutorService writers = Executors.newVirtualThreadPerTaskExecutor()) {
      while (!line.isEmpty() || inFlight > 0) {
        Written done = answered.poll();
        if (done == null && (stopped || line.isEmpty() || inFlight >= window)) {
          done = take(answered);
        }
        if (done != null) {
          inFlight--;
          Plan.Write w = done.plan();
          InstanceId id = w.instance().id();
          Ec2CallException.Kind error = done.error() == null ? null : done.error().kind();
          boolean again =
              (error == Ec2CallException.Kind.THROTTLED
                      && throttled.merge(id, 1, Integer::sum) < THROTTLED_WRITE_ATTEMPTS)
                  || (error == Ec2CallException.Kind.UNAVAILABLE
                      && unavailable.merge(id, 1, Integer::sum) < UNAVAILABLE_WRITE_ATTEMPTS);
          window =
              error == Ec2CallException.Kind.THROTTLED
                  ? 1
                  : Math.min(WRITES_IN_FLIGHT, window + (error == null ? 1 : 0));
          if (again && stopped) {
            notReached.add(id);
          } else if (again) {
            line.add(w);
          } else if (done.result() != null) {
            results.put(id, done.result());
          } else {
            pending.put(id, done);
          }
          continue;
        }
        Plan.Write w = line.poll();
        if (!allowed(pacer, deadline)) {
          stopped = true;
          notReached.add(w.instance().id());
          line.forEach(rest -> notReached.add(rest.instance().id()));
          line.clear();
          continue;
        }
        inFlight++;
        writers.execute(
            () -> {
              Written written;
              try {
                written = writeNow(w, true);
              } catch (RuntimeException e) {
                // Every write answers, or this loop would wait for it until the invocation ends.
                written =
                    new Written(
                        w,
                        w.result().fail(true, "ModifyInstanceMetadataOptions failed: " + e),
                        null,
                        null);
              }
              if (written.error() != null
                  && written.error().kind() == Ec2CallException.Kind.THROTTLED) {
                pacer.throttled();
              }
              answered.add(written);
            });
      }
    }
    return pending;
  }

  /** Waits for the pacer's permission to write, within the deadline and the pacing patience. */
  private boolean allowed(WritePacer pacer, Instant deadline) {
    Duration left =
        deadline.equals(Instant.MAX)
            ? PACING_PATIENCE
            : Duration.between(clock.instant(), deadline);
    try {
      return left.isPositive()
          && pacer.acquire(left.compareTo(PACING_PATIENCE) < 0 ? left : PACING_PATIENCE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static Written take(BlockingQueue<Written> answered) {
    try {
      return answered.take();
    } catch (InterruptedException e) {
      // The writes in flight are EC2's now; their answers still come, and closing the executor
      // waits for them.
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writes were in flight", e);
    }
  }

  /** Reads the written instances again, together, until their options are {@code applied}. */
  private void confirmAll(
      Map<InstanceId, Written> pending, Instant deadline, Map<InstanceId, InstanceResult> results) {
    if (pending.isEmpty()) {
      return;
    }
    Map<InstanceId, InstanceView> latest = new HashMap<>();
    try {
      readUntil(
          pending.keySet(),
          latest,
          v -> v.metadataOptions().state() == ApplyState.APPLIED,
          waits.applied(),
          deadline,
          true);
    } catch (Ec2CallException e) {
      // The writes were made: report them as EC2 answered them.
    }
    pending.forEach(
        (id, written) -> {
          MetadataOptions confirmed =
              latest.containsKey(id) ? latest.get(id).metadataOptions() : written.response();
          results.put(id, finish(written.plan(), written.response(), confirmed));
        });
  }

  /**
   * Reads {@code ids} together until {@code done} accepts each one's view, re-reading only the ones
   * not accepted yet, with the bounded wait's backoff, within {@code budget} and the deadline.
   *
   * @param pauseFirst true when the caller already holds a first reading (start with a pause)
   */
  private void readUntil(
      Collection<InstanceId> ids,
      Map<InstanceId, InstanceView> views,
      Predicate<InstanceView> done,
      Duration budget,
      Instant deadline,
      boolean pauseFirst) {
    Set<InstanceId> left = new LinkedHashSet<>(ids);
    left.removeIf(id -> pauseFirst && views.containsKey(id) && done.test(views.get(id)));
    if (left.isEmpty()) {
      return;
    }
    Duration untilDeadline =
        deadline.equals(Instant.MAX) ? budget : Duration.between(clock.instant(), deadline);
    Duration allowed = budget.compareTo(untilDeadline) < 0 ? budget : untilDeadline;
    Supplier<Boolean> read =
        () -> {
          views.putAll(ec2.describeInstances(left));
          left.removeIf(id -> views.containsKey(id) && done.test(views.get(id)));
          return left.isEmpty();
        };
    if (pauseFirst) {
      wait.continueUntil(false, read, Boolean::booleanValue, allowed, waits.firstBackoff());
    } else {
      wait.until(read, Boolean::booleanValue, allowed, waits.firstBackoff());
    }
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
