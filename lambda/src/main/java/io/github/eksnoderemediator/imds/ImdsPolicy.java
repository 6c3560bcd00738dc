package io.github.eksnoderemediator.imds;

import io.github.eksnoderemediator.config.ImdsConfig;
import io.github.eksnoderemediator.config.ImdsConfig.ResolvedBand;
import io.github.eksnoderemediator.node.EksNode;
import io.github.eksnoderemediator.port.MetadataOptions;
import io.github.eksnoderemediator.port.MetadataOptions.Endpoint;
import io.github.eksnoderemediator.port.MetadataOptions.Tokens;
import java.util.ArrayList;
import java.util.List;

/**
 * The metadata-options policy, pure. Tokens only ever go to {@code required}; the hop limit is
 * clamped into the node's band; {@code HttpEndpoint} changes only when configured.
 */
public final class ImdsPolicy {
  private final ImdsConfig config;

  public ImdsPolicy(ImdsConfig config) {
    this.config = config;
  }

  public ImdsDecision decide(EksNode node, MetadataOptions current) {
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
    return changes.isEmpty()
        ? new ImdsDecision.Compliant(band)
        : new ImdsDecision.Change(target, changes, band);
  }
}
