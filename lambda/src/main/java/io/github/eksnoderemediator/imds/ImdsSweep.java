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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Remediates every node of every cluster in scope, or of one cluster, node group or node pool: the
 * scheduled sweep and the cluster-level manual request. Nodes are found with one filtered
 * DescribeInstances page per 1,000; only non-compliant ones get a write, and writes are paced.
 */
public final class ImdsSweep {
  private final Ec2Gateway ec2;
  private final ImdsRemediator remediator;
  private final RemediatorConfig config;
  private final Clock clock;

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
        listing.nodes().stream()
            .filter(n -> !leaked.contains(n.id()))
            .filter(n -> selector.map(s -> selected(s, n)).orElse(true))
            .toList();
    // One GetMetricData call per 500 nodes that need an IMDSv1-use check, before any write.
    var imdsV1Use = remediator.checkImdsV1Use(nodes);
    List<InstanceResult> results = new ArrayList<>(nodes.size());
    for (int i = 0; i < nodes.size(); i++) {
      if (clock.instant().isAfter(deadline)) {
        return new Outcome(
            results, listing.pages(), listing.nodes().size(), nodes.size() - i, leaked);
      }
      results.add(remediator.remediate(nodes.get(i), dryRun, pacer, imdsV1Use));
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

  private static boolean selected(NodeSelector selector, InstanceView node) {
    return NodeTags.identify(node.tags()) instanceof NodeTags.Identified id
        && selector.matches(id.node());
  }
}
