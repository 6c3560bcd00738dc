package io.github.eksnoderemediator.eni;

import io.github.eksnoderemediator.config.EniProfile;
import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.node.NodeTags;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.port.InstanceState;
import io.github.eksnoderemediator.port.NetworkGateway;
import io.github.eksnoderemediator.port.NetworkInstance;
import io.github.eksnoderemediator.port.SecurityGroup;
import io.github.eksnoderemediator.port.SecurityGroupId;
import io.github.eksnoderemediator.port.Subnet;
import io.github.eksnoderemediator.port.SubnetId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The reads the reconciler, the sweep and the permissions check share: which running nodes the
 * profiles may concern, and what a profile's selectors find in a VPC.
 */
final class ProfileLookups {
  private ProfileLookups() {}

  /**
   * Running instances tagged as nodes of the profiles' clusters: one filtered, paginated listing
   * per tag that names a cluster ({@link NodeTags}), merged by id.
   */
  static List<NetworkInstance> runningNodes(NetworkGateway ec2, RemediatorConfig config) {
    Set<String> clusters = new TreeSet<>();
    config.eni().profiles().forEach(p -> clusters.add(p.cluster()));
    Map<InstanceId, NetworkInstance> nodes = new TreeMap<>();
    if (clusters.isEmpty()) {
      return List.of();
    }
    Set<InstanceState> running = Set.of(InstanceState.RUNNING);
    for (String cluster : clusters) {
      ec2.listInstancesByTag(NodeTags.CLUSTER_TAG_PREFIX + cluster, Set.of(), running)
          .forEach(i -> nodes.putIfAbsent(i.id(), i));
    }
    for (String key :
        List.of(NodeTags.MANAGED_CLUSTER, NodeTags.KARPENTER_CLUSTER, NodeTags.EKSCTL_CLUSTER)) {
      ec2.listInstancesByTag(key, clusters, running).forEach(i -> nodes.putIfAbsent(i.id(), i));
    }
    return List.copyOf(nodes.values());
  }

  static ResolvedProfile resolve(NetworkGateway ec2, EniProfile profile, String vpcId) {
    List<Subnet> subnets =
        ec2.findSubnets(
            vpcId,
            profile.subnets().ids().stream().map(SubnetId::new).toList(),
            profile.subnets().tags());
    List<SecurityGroupId> ids =
        profile.securityGroups().ids().stream().map(SecurityGroupId::new).toList();
    List<String> names = profile.securityGroups().names();
    List<SecurityGroup> groups =
        ids.isEmpty() && names.isEmpty() ? List.of() : ec2.findSecurityGroups(vpcId, ids, names);
    List<String> missing = new ArrayList<>();
    for (SecurityGroupId g : ids) {
      if (groups.stream().noneMatch(found -> found.id().equals(g))) {
        missing.add(g.value());
      }
    }
    for (String name : names) {
      if (groups.stream().noneMatch(found -> found.name().equals(name))) {
        missing.add(name);
      }
    }
    List<SecurityGroupId> groupIds =
        groups.stream().map(SecurityGroup::id).distinct().sorted().toList();
    return new ResolvedProfile(profile, vpcId, subnets, groupIds, missing);
  }
}
