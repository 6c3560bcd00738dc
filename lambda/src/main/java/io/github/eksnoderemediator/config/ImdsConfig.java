package io.github.eksnoderemediator.config;

import java.util.List;
import java.util.Optional;

/**
 * The metadata-options policy.
 *
 * @param hopLimit the band for nodes no override names
 * @param httpEndpoint what to do with {@code HttpEndpoint}
 * @param overrides bands for clusters, node groups and node pools
 */
public record ImdsConfig(
    HopLimitBand hopLimit, HttpEndpointSetting httpEndpoint, List<HopLimitOverride> overrides) {

  public static final ImdsConfig DEFAULT =
      new ImdsConfig(HopLimitBand.DEFAULT, HttpEndpointSetting.UNCHANGED, List.of());

  public ImdsConfig {
    overrides = List.copyOf(overrides);
  }

  /**
   * The band for one node, and where it came from. Precedence: a node group or node pool override,
   * over a cluster override, over the default; each applies on top of the one below it.
   */
  public ResolvedBand bandFor(
      String cluster, Optional<String> nodeGroup, Optional<String> nodePool) {
    HopLimitBand band = hopLimit;
    String source = "default";
    Optional<HopLimitOverride> clusterWide =
        overrides.stream()
            .filter(o -> o.isClusterWide() && o.cluster().equals(cluster))
            .findFirst();
    if (clusterWide.isPresent()) {
      band = band.narrowedBy(clusterWide.get().min(), clusterWide.get().max());
      source = clusterWide.get().describe();
    }
    Optional<HopLimitOverride> specific =
        overrides.stream()
            .filter(o -> o.cluster().equals(cluster))
            .filter(
                o ->
                    (o.nodeGroup().isPresent() && o.nodeGroup().equals(nodeGroup))
                        || (o.nodePool().isPresent() && o.nodePool().equals(nodePool)))
            .findFirst();
    if (specific.isPresent()) {
      band = band.narrowedBy(specific.get().min(), specific.get().max());
      source = specific.get().describe();
    }
    return new ResolvedBand(band, source);
  }

  /**
   * The smallest band that contains every band a node can get. The IAM role denies hop limits
   * outside it wherever EC2 tells IAM the value being set (docs/iam.md).
   */
  public HopLimitBand envelope() {
    HopLimitBand envelope = hopLimit;
    for (HopLimitOverride o : overrides) {
      envelope = envelope.span(bandFor(o.cluster(), o.nodeGroup(), o.nodePool()).band());
    }
    return envelope;
  }

  /** A node's band and a human-readable name of the configuration it came from. */
  public record ResolvedBand(HopLimitBand band, String source) {}
}
