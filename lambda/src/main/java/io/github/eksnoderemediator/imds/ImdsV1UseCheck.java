package io.github.eksnoderemediator.imds;

import io.github.eksnoderemediator.config.ImdsV1Check;
import io.github.eksnoderemediator.port.Ec2CallException;
import io.github.eksnoderemediator.port.ImdsV1Usage;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.port.InstanceView;
import io.github.eksnoderemediator.port.MetadataOptions.Tokens;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Reads IMDSv1 use for the nodes that need it, in as few GetMetricData calls as the nodes allow.
 * Only a node whose tokens are still optional and that launched at least {@code minNodeAge} ago is
 * read: a new launch has no history. The reader (and so the CloudWatch client) is built on first
 * use, so an invocation that only sees new launches never builds it.
 */
public final class ImdsV1UseCheck {
  private final Supplier<ImdsV1Usage> readerFactory;
  private final ImdsV1Check settings;
  private final Clock clock;
  private ImdsV1Usage reader;

  /**
   * @param readerFactory builds the reader; called at most once, and only when a node needs a read
   */
  public ImdsV1UseCheck(Supplier<ImdsV1Usage> readerFactory, ImdsV1Check settings, Clock clock) {
    this.readerFactory = readerFactory;
    this.settings = settings;
    this.clock = clock;
  }

  /** A check that never reads: every node is reported as not checked. */
  public static ImdsV1UseCheck none(Clock clock) {
    return new ImdsV1UseCheck(null, ImdsV1Check.DEFAULT, clock);
  }

  /**
   * The finding for each node, reading all of those that need a read together.
   *
   * @param nodes in-scope nodes
   */
  public Map<InstanceId, ImdsV1Use> check(List<InstanceView> nodes) {
    Instant now = clock.instant();
    Map<InstanceId, ImdsV1Use> found = new HashMap<>();
    List<InstanceId> toRead =
        nodes.stream()
            .filter(
                n -> {
                  ImdsV1Use skip = skip(n, now);
                  if (skip != null) {
                    found.put(n.id(), skip);
                  }
                  return skip == null;
                })
            .map(InstanceView::id)
            .distinct()
            .toList();
    if (toRead.isEmpty()) {
      return found;
    }
    try {
      Map<InstanceId, Long> calls =
          reader().noTokenCalls(toRead, now.minus(settings.lookback()), now);
      for (InstanceId id : toRead) {
        Long n = calls.get(id);
        found.put(id, new ImdsV1Use.Calls(n == null ? 0 : n, n != null, settings.lookback()));
      }
    } catch (Ec2CallException e) {
      String why = "GetMetricData failed: " + e.summary();
      toRead.forEach(id -> found.put(id, new ImdsV1Use.Unknown(why, settings.lookback())));
    }
    return found;
  }

  /** The finding for one node. */
  public ImdsV1Use check(InstanceView node) {
    return check(List.of(node)).get(node.id());
  }

  private ImdsV1Use skip(InstanceView node, Instant now) {
    if (node.metadataOptions().httpTokens() == Tokens.REQUIRED) {
      return new ImdsV1Use.NotChecked("tokens already required");
    }
    if (node.launchTime() != null && node.launchTime().isAfter(now.minus(settings.minNodeAge()))) {
      return new ImdsV1Use.NotChecked(
          "launched less than "
              + settings.minNodeAge().toMinutes()
              + " min ago: no history, hardened at once");
    }
    if (readerFactory == null) {
      return new ImdsV1Use.NotChecked("no metrics reader configured");
    }
    return null;
  }

  private synchronized ImdsV1Usage reader() {
    if (reader == null) {
      reader = readerFactory.get();
    }
    return reader;
  }
}
