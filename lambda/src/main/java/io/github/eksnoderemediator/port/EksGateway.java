package io.github.eksnoderemediator.port;

import java.util.List;
import java.util.Optional;

/** The EKS calls the drift report makes: read only. */
public interface EksGateway {

  /** Every cluster in the account and Region. */
  List<String> listClusters();

  /** The cluster, or empty when EKS does not know it. */
  Optional<ClusterInfo> describeCluster(String name);

  /** The managed node groups of a cluster. */
  List<String> listNodegroups(String cluster);

  NodegroupInfo describeNodegroup(String cluster, String nodegroup);

  /**
   * A cluster, as far as the remediator needs it.
   *
   * @param name the cluster
   * @param autoMode EKS Auto Mode is on ({@code computeConfig.enabled}): EKS manages its nodes
   */
  record ClusterInfo(String name, boolean autoMode) {}

  /**
   * A managed node group, as far as the drift report needs it.
   *
   * @param name the node group
   * @param launchTemplate the custom launch template it uses, or empty for EKS's default one
   */
  record NodegroupInfo(String name, Optional<LaunchTemplateRef> launchTemplate) {}
}
