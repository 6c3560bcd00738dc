package io.github.eksnoderemediator.eni;

import io.github.eksnoderemediator.config.EniProfile;
import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.port.AttachmentStatus;
import io.github.eksnoderemediator.port.EniAttachment;
import io.github.eksnoderemediator.port.EniId;
import io.github.eksnoderemediator.port.EniStatus;
import io.github.eksnoderemediator.port.EniView;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.port.InstanceState;
import io.github.eksnoderemediator.port.InterfaceLimits;
import io.github.eksnoderemediator.port.NetworkInstance;
import io.github.eksnoderemediator.port.SecurityGroupId;
import io.github.eksnoderemediator.port.Subnet;
import io.github.eksnoderemediator.port.SubnetId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Values for pure ENI tests: a prod/cnf node with two profiles and hand-built interfaces. */
final class EniTestData {
  static final InstanceId NODE = new InstanceId("i-0a1b2c3d4e5f60002");
  static final String VPC = "vpc-0a1b2c3d4e5f60001";
  static final String AZ = "eu-west-1a";
  static final Instant NOW = Instant.parse("2026-11-20T14:05:00Z");
  static final Subnet DATA_A = new Subnet(new SubnetId("subnet-0da7a0000000000a1"), VPC, AZ);
  static final Subnet DATA_B =
      new Subnet(new SubnetId("subnet-0da7a0000000000b1"), VPC, "eu-west-1b");
  static final Subnet MGMT_A = new Subnet(new SubnetId("subnet-0a9a0000000000a01"), VPC, AZ);
  static final SecurityGroupId SG_DATA = new SecurityGroupId("sg-0da7a000000000001");
  static final SecurityGroupId SG_MGMT = new SecurityGroupId("sg-0a9a0000000000001");
  static final InterfaceLimits M5_LARGE = new InterfaceLimits("m5.large", 3, 1, Map.of(0, 3), 10);
  static final InterfaceLimits T3_MICRO = new InterfaceLimits("t3.micro", 2, 1, Map.of(0, 2), 2);

  static final Map<String, String> CNF_NODE_TAGS =
      Map.of(
          "eks:cluster-name", "prod",
          "eks:nodegroup-name", "cnf",
          "kubernetes.io/cluster/prod", "owned");

  static final String CONFIG =
      """
      {"clusters": ["prod"],
       "eni": {"profiles": [
         {"name": "multus-data", "cluster": "prod", "nodeGroup": "cnf",
          "subnets": {"tags": {"multus": "data"}}, "securityGroups": {"names": ["multus-data"]},
          "deviceIndex": 1, "tags": {"team": "core"}, "secondaryPrivateIpCount": 2,
          "description": "Multus data"},
         {"name": "multus-mgmt", "cluster": "prod", "nodeGroup": "cnf",
          "subnets": {"tags": {"multus": "mgmt"}}, "securityGroups": {"names": ["multus-mgmt"]},
          "deviceIndex": 2, "deleteOnTermination": false, "sourceDestCheck": false}]},
       "waits": {"notFoundSeconds": 5, "tagSettleSeconds": 1, "appliedSeconds": 2,
                 "firstBackoffMillis": 10}}
      """;

  static final RemediatorConfig CONFIGURATION = RemediatorConfig.parse(CONFIG, "test");
  static final EniProfile DATA = CONFIGURATION.eni().profiles().get(0);
  static final EniProfile MGMT = CONFIGURATION.eni().profiles().get(1);

  private EniTestData() {}

  static NetworkInstance node(
      InstanceState state, String type, NetworkInstance.Interface... extra) {
    List<NetworkInstance.Interface> interfaces = new ArrayList<>();
    interfaces.add(
        new NetworkInstance.Interface(
            new EniId("eni-00000000000000001"), attached(NODE, 0, 0, "eni-attach-0prim", true)));
    interfaces.addAll(List.of(extra));
    return new NetworkInstance(
        NODE,
        state,
        CNF_NODE_TAGS,
        NOW.minusSeconds(3600),
        Optional.empty(),
        VPC,
        AZ,
        type,
        interfaces);
  }

  static NetworkInstance node(NetworkInstance.Interface... extra) {
    return node(InstanceState.RUNNING, "m5.large", extra);
  }

  static EniAttachment attached(InstanceId to, int card, int index, String id, boolean dot) {
    return new EniAttachment(Optional.of(to), card, index, id, AttachmentStatus.ATTACHED, dot);
  }

  /** An interface of ours for {@code profile} on {@link #NODE}, available. */
  static EniView ours(String id, EniProfile profile, Subnet subnet) {
    Map<String, String> tags = new HashMap<>();
    tags.put(EniTags.PROFILE, profile.name());
    tags.put(EniTags.INSTANCE, NODE.value());
    tags.put(EniTags.CLUSTER, "prod");
    tags.put(EniTags.NO_MANAGE, "true");
    tags.put(EniTags.CREATED_AT, NOW.minusSeconds(60).toString());
    return new EniView(
        new EniId(id),
        EniStatus.AVAILABLE,
        subnet.id(),
        subnet.vpcId(),
        subnet.availabilityZone(),
        List.of(SG_DATA),
        "",
        true,
        tags,
        Optional.empty());
  }

  static EniView attachedAt(EniView eni, int card, int index, boolean dot) {
    return new EniView(
        eni.id(),
        EniStatus.IN_USE,
        eni.subnet(),
        eni.vpcId(),
        eni.availabilityZone(),
        eni.groups(),
        eni.description(),
        eni.sourceDestCheck(),
        eni.tags(),
        Optional.of(
            attached(NODE, card, index, "eni-attach-" + eni.id().value().substring(4), dot)));
  }

  static NetworkInstance.Interface slotOf(EniView eni) {
    return new NetworkInstance.Interface(eni.id(), eni.attachment().orElseThrow());
  }

  static ResolvedProfile resolvedData(Subnet... subnets) {
    return new ResolvedProfile(DATA, VPC, List.of(subnets), List.of(SG_DATA), List.of());
  }

  static ResolvedProfile resolvedMgmt(Subnet... subnets) {
    return new ResolvedProfile(MGMT, VPC, List.of(subnets), List.of(SG_MGMT), List.of());
  }
}
