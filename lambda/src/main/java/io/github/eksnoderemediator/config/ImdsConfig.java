package io.github.eksnoderemediator.config;

import java.util.List;
import java.util.Optional;

/**
 * The metadata-options policy.
 *
 * @param hopLimit the band for nodes no override names
 * @param httpEndpoint what to do with {@code HttpEndpoint}
 * @param overrides bands and IMDSv1 modes for clusters, node groups and node pools
 * @param imdsV1Usage the IMDSv1 mode for nodes no override names
 * @param imdsV1Check how IMDSv1 use is read before tokens are required
 */
public record ImdsConfig(
    HopLimitBand hopLimit,
    HttpEndpointSetting httpEndpoint,
    List<HopLimitOverride> overrides,
    ImdsV1Mode imdsV1Usage,
    ImdsV1Check imdsV1Check) {

  public static final ImdsConfig DEFAULT =
      new ImdsConfig(HopLimitBand.DEFAULT, HttpEndpointSetting.UNCHANGED, List.of());

  public ImdsConfig {
    overrides = List.copyOf(overrides);
  }

  /** A policy with the default IMDSv1 mode ({@code enforce}) and check. */
  public ImdsConfig(
      HopLimitBand hopLimit, HttpEndpointSetting httpEndpoint, List<HopLimitOverride> overrides) {
    this(hopLimit, httpEndpoint, overrides, ImdsV1Mode.ENFORCE, ImdsV1Check.DEFAULT);
  }

  /**
   * The band for one node, and where it came from. Precedence: a node group or node pool override,
   * over a cluster override, over the default; each applies on top of the one below it.
   */
  public ResolvedBand bandFor(
      String cluster, Optional<String> nodeGroup, Optional<String> nodePool) {
    HopLimitBand band = hopLimit;
    String source = "default";
    for (HopLimitOverride o : applicable(cluster, nodeGroup, nodePool)) {
      if (o.givesBand()) {
        band = band.narrowedBy(o.min(), o.max());
        source = o.describe();
      }
    }
    return new ResolvedBand(band, source);
  }

  /**
   * The IMDSv1 mode for one node, and where it came from, with the same precedence as {@link
   * #bandFor}: the most specific override that gives a mode wins.
   */
  public ResolvedMode modeFor(
      String cluster, Optional<String> nodeGroup, Optional<String> nodePool) {
    ResolvedMode mode = new ResolvedMode(imdsV1Usage, "default");
    for (HopLimitOverride o : applicable(cluster, nodeGroup, nodePool)) {
      if (o.imdsV1Usage().isPresent()) {
        mode = new ResolvedMode(o.imdsV1Usage().get(), o.describe());
      }
    }
    return mode;
  }

  /**
   * The overrides that apply to a node, least specific first: the cluster's, then its node group's
   * or node pool's. Each applies on top of the one before it.
   */
  private List<HopLimitOverride> applicable(
      String cluster, Optional<String> nodeGroup, Optional<String> nodePool) {
    List<HopLimitOverride> found = new java.util.ArrayList<>(2);
    overrides.stream()
        .filter(o -> o.isClusterWide() && o.cluster().equals(cluster))
        .findFirst()
        .ifPresent(found::add);
    overrides.stream()
        .filter(o -> o.cluster().equals(cluster))
        .filter(
            o ->
                (o.nodeGroup().isPresent() && o.nodeGroup().equals(nodeGroup))
                    || (o.nodePool().isPresent() && o.nodePool().equals(nodePool)))
        .findFirst()
        .ifPresent(found::add);
    return found;
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

  /** A node's IMDSv1 mode and a human-readable name of the configuration it came from. */
  public record ResolvedMode(ImdsV1Mode mode, String source) {}
}
