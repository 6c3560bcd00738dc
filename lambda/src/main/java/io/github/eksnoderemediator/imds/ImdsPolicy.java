package io.github.eksnoderemediator.imds;

import io.github.eksnoderemediator.config.ImdsConfig;
import io.github.eksnoderemediator.config.ImdsConfig.ResolvedBand;
import io.github.eksnoderemediator.config.ImdsConfig.ResolvedMode;
import io.github.eksnoderemediator.config.ImdsV1Mode;
import io.github.eksnoderemediator.node.EksNode;
import io.github.eksnoderemediator.port.MetadataOptions;
import io.github.eksnoderemediator.port.MetadataOptions.Endpoint;
import io.github.eksnoderemediator.port.MetadataOptions.Tokens;
import java.util.ArrayList;
import java.util.List;

/**
 * The metadata-options policy, pure. Tokens only ever go to {@code required}; the hop limit is
 * clamped into the node's band (the default band, at most 2, only ever lowers it: a raise comes
 * from a band's {@code min}); {@code HttpEndpoint} changes only when configured. A node in {@code
 * defer} mode whose IMDSv1 use holds tokens back is left exactly as it is.
 */
public final class ImdsPolicy {
  private final ImdsConfig config;

  public ImdsPolicy(ImdsConfig config) {
    this.config = config;
  }

  /** The decision for a node whose IMDSv1 use was not checked. */
  public ImdsDecision decide(EksNode node, MetadataOptions current) {
    return decide(node, current, new ImdsV1Use.NotChecked("not checked"));
  }

  /** The node's IMDSv1 mode and where it came from. */
  public ResolvedMode modeFor(EksNode node) {
    return config.modeFor(node.cluster(), node.nodeGroup(), node.nodePool());
  }

  /**
   * The decision for a node: compliant, a change, or a deferral of the token requirement.
   *
   * @param use what the IMDSv1-use check found for this node
   */
  public ImdsDecision decide(EksNode node, MetadataOptions current, ImdsV1Use use) {
    ResolvedBand band = config.bandFor(node.cluster(), node.nodeGroup(), node.nodePool());
    int hopLimit = band.band().clamp(current.hopLimit());
    Endpoint endpoint =
        switch (config.httpEndpoint()) {
          case UNCHANGED -> current.httpEndpoint();
          case ENABLED -> Endpoint.ENABLED;
          case DISABLED -> Endpoint.DISABLED;
        };
    MetadataOptions target =
        new MetadataOptions(Tokens.REQUIRED, hopLimit, endpoint, current.state());

    List<String> changes = new ArrayList<>();
    if (current.httpTokens() != Tokens.REQUIRED) {
      changes.add("HttpTokens " + current.httpTokens() + " -> required");
    }
    if (current.hopLimit() != hopLimit) {
      changes.add(
          "hop limit "
              + (hopLimit > current.hopLimit() ? "raised " : "lowered ")
              + current.hopLimit()
              + " -> "
              + hopLimit
              + " (band "
              + band.band()
              + " from "
              + band.source()
              + ")");
    }
    if (current.httpEndpoint() != endpoint) {
      changes.add("HttpEndpoint " + current.httpEndpoint() + " -> " + endpoint);
    }
    if (changes.isEmpty()) {
      return new ImdsDecision.Compliant(band);
    }
    ResolvedMode mode = modeFor(node);
    if (current.httpTokens() != Tokens.REQUIRED
        && mode.mode() == ImdsV1Mode.DEFER
        && use.holdsBackTokens()) {
      return new ImdsDecision.Deferred(target, changes, band, mode, use);
    }
    return new ImdsDecision.Change(target, changes, band);
  }
}
