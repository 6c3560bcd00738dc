package io.github.eksnoderemediator.imds;

import io.github.eksnoderemediator.canary.Canary;
import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.node.NodeSelector;
import io.github.eksnoderemediator.node.NodeTags;
import io.github.eksnoderemediator.port.Ec2Gateway;
import io.github.eksnoderemediator.port.Ec2Gateway.NodeListing;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.port.InstanceView;
import io.github.eksnoderemediator.report.InstanceResult;
import io.github.eksnoderemediator.wait.WritePacer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Remediates every node of every cluster in scope, or of one cluster, node group or node pool: the
 * scheduled sweep and the cluster-level manual request. Nodes are found with one filtered
 * DescribeInstances page per 1,000; only non-compliant ones get a write, and writes are paced. A
 * sweep the deadline stops leaves the rest to the next one, which starts elsewhere on the same ring
 * ({@link #inSweepOrder}), so no node waits for ever behind others.
 */
public final class ImdsSweep {
  private final Ec2Gateway ec2;
  private final ImdsRemediator remediator;
  private final RemediatorConfig config;
  private final Clock clock;

  /**
   * Writes made before they are confirmed together: at the default 2 per second, 50 s of writes, by
   * when EC2 has applied all but the last few, so one read confirms them.
   */
  static final int WRITES_PER_CONFIRMATION = 100;

  public ImdsSweep(
      Ec2Gateway ec2, ImdsRemediator remediator, RemediatorConfig config, Clock clock) {
    this.ec2 = ec2;
    this.remediator = remediator;
    this.config = config;
    this.clock = clock;
  }

  /**
   * What one sweep did.
   *
   * @param results one per node it reached
   * @param pages DescribeInstances pages read
   * @param listed instances the filters returned
   * @param notReached nodes left for the next sweep because the deadline came first
   * @param canariesTerminated end-to-end canary instances older than {@link Canary#MAX_AGE} that
   *     this sweep terminated (a canary that crashed or was killed leaks nothing for long)
   */
  public record Outcome(
      List<InstanceResult> results,
      int pages,
      int listed,
      int notReached,
      List<InstanceId> canariesTerminated) {
    public Outcome {
      results = List.copyOf(results);
      canariesTerminated = List.copyOf(canariesTerminated);
    }
  }

  /**
   * Checks every node in scope (or the ones the selector names) once, paced.
   *
   * @param selector the nodes a manual request names, or empty for every node in scope
   * @param deadline when to stop starting new nodes (the invocation's time is running out)
   */
  public Outcome sweep(
      Optional<NodeSelector> selector, boolean dryRun, WritePacer pacer, Instant deadline) {
    NodeListing listing =
        ec2.listNodes(selector.map(s -> java.util.Set.of(s.cluster())).orElse(config.clusters()));
    List<InstanceId> leaked = selector.isPresent() ? List.of() : leakedCanaries(listing.nodes());
    if (!leaked.isEmpty() && !dryRun) {
      ec2.terminateInstances(leaked);
    }
    List<InstanceView> nodes =
        inSweepOrder(
            listing.nodes().stream()
                .filter(n -> !leaked.contains(n.id()))
                .filter(n -> selector.map(s -> selected(s, n)).orElse(true))
                .toList(),
            sweepNumber(clock.instant(), config.sweep().rate()));
    // One GetMetricData call per 500 nodes that need an IMDSv1-use check, before any write.
    var imdsV1Use = remediator.checkImdsV1Use(nodes);
    List<InstanceResult> results = new ArrayList<>(nodes.size());
    List<ImdsRemediator.Plan.Write> writes = new ArrayList<>();
    int next = 0;
    while (next < nodes.size()) {
      if (clock.instant().isAfter(deadline)) {
        return new Outcome(
            results,
            listing.pages(),
            listing.nodes().size(),
            nodes.size() - next + writes.size(),
            leaked);
      }
      switch (remediator.plan(nodes.get(next++), dryRun, imdsV1Use)) {
        case ImdsRemediator.Plan.Done d -> results.add(d.result());
        case ImdsRemediator.Plan.Write w -> writes.add(w);
      }
      if (writes.size() == WRITES_PER_CONFIRMATION || (next == nodes.size() && !writes.isEmpty())) {
        ImdsRemediator.BatchOutcome done = remediator.writeAndConfirm(writes, pacer, deadline);
        results.addAll(done.results());
        writes.clear();
        if (!done.notReached().isEmpty()) {
          return new Outcome(
              results,
              listing.pages(),
              listing.nodes().size(),
              done.notReached().size() + nodes.size() - next,
              leaked);
        }
      }
    }
    return new Outcome(results, listing.pages(), listing.nodes().size(), 0, leaked);
  }

  /**
   * Canary instances (the canary tag and the canary's node group) launched more than an hour ago: a
   * canary run takes minutes, so these belong to one that crashed or was killed.
   */
  private List<InstanceId> leakedCanaries(List<InstanceView> listed) {
    Instant cutoff = clock.instant().minus(Canary.MAX_AGE);
    return listed.stream()
        .filter(n -> "true".equals(n.tags().get(Canary.CANARY_TAG)))
        .filter(n -> Canary.NODE_GROUP.equals(n.tags().get(NodeTags.MANAGED_NODE_GROUP)))
        .filter(n -> n.launchTime() != null && n.launchTime().isBefore(cutoff))
        .map(InstanceView::id)
        .toList();
  }

  /**
   * Which sweep this is: the number of schedule periods since the epoch, rounded to the nearest, so
   * consecutive scheduled sweeps get consecutive numbers without any state kept between them.
   */
  static long sweepNumber(Instant now, Duration rate) {
    long period = Math.max(1, rate.toMillis());
    return Math.floorDiv(now.toEpochMilli() + period / 2, period);
  }

  /**
   * The order a sweep visits nodes in, so that a sweep the deadline stops hands over to the next
   * one instead of starting again from the same first nodes. Every node sits on a ring at a point
   * hashed from its instance id (stable while the node lives, wherever EC2 lists it); sweep {@code
   * k} starts at the point {@code k}·φ around the ring (φ the golden ratio: in 64-bit fixed point,
   * a multiplication by {@code 0x9E3779B97F4A7C15}) and goes round once. Consecutive starts spread
   * evenly (by the three-gap theorem, m consecutive starts leave no gap wider than about 2.6/m of
   * the ring), so a node is reached within about 2.6/f consecutive sweeps when each sweep reaches a
   * fraction f of the nodes, however often the nodes before it fail or are loosened again.
   */
  static List<InstanceView> inSweepOrder(List<InstanceView> nodes, long sweepNumber) {
    long start = sweepNumber * 0x9E3779B97F4A7C15L;
    List<InstanceView> ordered = new ArrayList<>(nodes);
    ordered.sort(
        Comparator.<InstanceView, Long>comparing(
                n -> ringPoint(n.id()) - start, Long::compareUnsigned)
            .thenComparing(n -> n.id().value()));
    return ordered;
  }

  /** Where a node sits on the ring: FNV-1a of its instance id, mixed (SplitMix64's finalizer). */
  static long ringPoint(InstanceId id) {
    long h = 0xcbf29ce484222325L;
    String value = id.value();
    for (int i = 0; i < value.length(); i++) {
      h = (h ^ value.charAt(i)) * 0x100000001b3L;
    }
    h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
    h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
    return h ^ (h >>> 31);
  }

  private static boolean selected(NodeSelector selector, InstanceView node) {
    return NodeTags.identify(node.tags()) instanceof NodeTags.Identified id
        && selector.matches(id.node());
  }
}
