package io.github.eksnoderemediator.drift;

import io.github.eksnoderemediator.config.ImdsConfig.ResolvedBand;
import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.drift.DriftReport.AccountDefaults;
import io.github.eksnoderemediator.drift.DriftReport.ClusterDrift;
import io.github.eksnoderemediator.drift.DriftReport.NodeGroupDrift;
import io.github.eksnoderemediator.port.Ec2CallException;
import io.github.eksnoderemediator.port.Ec2Gateway;
import io.github.eksnoderemediator.port.EksGateway;
import io.github.eksnoderemediator.port.EksGateway.ClusterInfo;
import io.github.eksnoderemediator.port.EksGateway.NodegroupInfo;
import io.github.eksnoderemediator.port.MetadataDefaults;
import io.github.eksnoderemediator.port.TemplateOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Builds the drift report through the EKS API: for each cluster in scope, its managed node groups
 * and the launch template each one launches from. Karpenter's EC2NodeClass lives in the cluster,
 * out of the EKS API's sight: it is not covered (docs/runbook.md says how to check it).
 */
public final class DriftReporter {
  private final EksGateway eks;
  private final Ec2Gateway ec2;
  private final RemediatorConfig config;

  public DriftReporter(EksGateway eks, Ec2Gateway ec2, RemediatorConfig config) {
    this.eks = eks;
    this.ec2 = ec2;
    this.config = config;
  }

  public DriftReport report() {
    List<String> names =
        config.clusters().isEmpty()
            ? eks.listClusters()
            : config.clusters().stream().sorted().toList();
    List<ClusterDrift> clusters = new ArrayList<>();
    int drifting = 0;
    for (String name : names) {
      ClusterDrift cluster = cluster(name);
      drifting += (int) cluster.nodeGroups().stream().filter(NodeGroupDrift::drifting).count();
      clusters.add(cluster);
    }
    boolean allChecked = clusters.stream().allMatch(c -> c.skipped() == null);
    return new DriftReport(clusters, account(drifting, allChecked), drifting);
  }

  private ClusterDrift cluster(String name) {
    try {
      Optional<ClusterInfo> info = eks.describeCluster(name);
      if (info.isEmpty()) {
        return new ClusterDrift(name, "EKS does not know this cluster in this Region", List.of());
      }
      if (info.get().autoMode()) {
        return new ClusterDrift(name, "EKS Auto Mode: EKS manages its nodes' settings", List.of());
      }
      List<NodeGroupDrift> groups = new ArrayList<>();
      for (String nodegroup : eks.listNodegroups(name)) {
        groups.add(nodeGroup(name, eks.describeNodegroup(name, nodegroup)));
      }
      return new ClusterDrift(name, null, groups);
    } catch (Ec2CallException e) {
      return new ClusterDrift(name, "could not be read: " + e.summary(), List.of());
    }
  }

  private NodeGroupDrift nodeGroup(String cluster, NodegroupInfo info) {
    if (info.launchTemplate().isEmpty()) {
      return new NodeGroupDrift(
          info.name(),
          null,
          null,
          null,
          false,
          List.of(
              "uses EKS's default launch template: its metadata options are EKS's, not checked"));
    }
    var ref = info.launchTemplate().get();
    Optional<TemplateOptions> options = ec2.launchTemplateOptions(ref);
    if (options.isEmpty()) {
      return new NodeGroupDrift(
          info.name(), ref.toString(), null, null, false, List.of("launch template not found"));
    }
    ResolvedBand band = config.imds().bandFor(cluster, Optional.of(info.name()), Optional.empty());
    List<String> reasons =
        DriftPolicy.templateReasons(options.get(), band, config.imds().httpEndpoint());
    return new NodeGroupDrift(
        info.name(),
        ref.toString(),
        options.get().httpTokens().orElse(null),
        options.get().hopLimit().orElse(null),
        !reasons.isEmpty(),
        reasons);
  }

  private AccountDefaults account(int driftingNodeGroups, boolean allChecked) {
    try {
      MetadataDefaults read = ec2.accountMetadataDefaults();
      TemplateOptions defaults = read.options();
      List<String> reasons = DriftPolicy.accountReasons(defaults, config.imds().hopLimit());
      return new AccountDefaults(
          defaults.httpTokens().orElse("no-preference"),
          defaults.hopLimit().orElse(null),
          read.httpTokensEnforced().orElse(null),
          read.managedBy().orElse(null),
          !reasons.isEmpty(),
          reasons,
          DriftPolicy.enforcementRecommendation(read, driftingNodeGroups, allChecked).orElse(null));
    } catch (Ec2CallException e) {
      return new AccountDefaults(
          null, null, null, null, false, List.of("could not be read: " + e.summary()), null);
    }
  }
}
