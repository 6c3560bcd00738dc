package io.github.eksnoderemediator.infra;

import io.github.eksnoderemediator.config.EniProfile;
import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.eni.EniSpec;
import io.github.eksnoderemediator.eni.EniTags;
import io.github.eksnoderemediator.infra.RoleChecks.Call;
import io.github.eksnoderemediator.infra.RoleChecks.Expect;
import io.github.eksnoderemediator.infra.TestNodes.Node;
import io.github.eksnoderemediator.infra.iam.IamRequest;
import io.github.eksnoderemediator.infra.iam.IamSimulator;
import io.github.eksnoderemediator.infra.iam.MetadataReading;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.port.SecurityGroupId;
import io.github.eksnoderemediator.port.Subnet;
import io.github.eksnoderemediator.port.SubnetId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the ENI function's role must allow and refuse, as calls for {@link RoleChecks}, for every
 * call SdkNetworkGateway makes: CreateNetworkInterface (the interface, its subnet and each security
 * group), CreateTags at creation, Attach and Detach (instance and interface),
 * ModifyNetworkInterfaceAttribute (the interface, and the instance for an attachment change),
 * DeleteNetworkInterface, and the five describes. The instance resources carry the metadata keys a
 * {@link MetadataReading} gives an instance (its current settings under B): the role must not care.
 */
final class EniRoleProperties {
  static final String CREATE = "ec2:CreateNetworkInterface";
  static final String ATTACH = "ec2:AttachNetworkInterface";
  static final String DETACH = "ec2:DetachNetworkInterface";
  static final String MODIFY = "ec2:ModifyNetworkInterfaceAttribute";
  static final String DELETE = "ec2:DeleteNetworkInterface";

  /** What an instance is set to when the ENI function touches it: the keys only matter under B. */
  private static final Map<String, String> NODE_SETTINGS =
      Map.of("HttpTokens", "optional", "HttpPutResponseHopLimit", "1", "HttpEndpoint", "enabled");

  private EniRoleProperties() {}

  /** An existing interface and its tags. */
  record Interface(String label, String id, Map<String, String> tags) {
    IamRequest request(String action) {
      return IamRequest.of(action, IamRequest.ec2Arn("network-interface/" + id))
          .withResourceTags(tags)
          .with("ec2:NetworkInterfaceID", id)
          .with("ec2:Region", IamSimulator.REGION);
    }
  }

  /** An interface the function created: its tags are those EniSpec writes. */
  static Interface ours(RemediatorConfig config) {
    return new Interface("interface of ours", "eni-0a0000000000000a1", createTags(config, 0));
  }

  /**
   * Interfaces that are not ours: the VPC CNI's, someone's hand-made one, one with our tag empty.
   */
  static List<Interface> notOurs() {
    return List.of(
        new Interface(
            "VPC CNI interface",
            "eni-0b00000000000000b",
            Map.of("node.k8s.amazonaws.com/instance_id", "i-0123456789abcdef0")),
        new Interface("untagged interface", "eni-0c00000000000000c", Map.of()),
        new Interface(
            "interface tagged no_manage only",
            "eni-0d00000000000000d",
            Map.of(EniTags.NO_MANAGE, EniTags.NO_MANAGE_VALUE)));
  }

  /**
   * Attach, detach, modify and delete: allowed for an interface of ours on an in-scope node;
   * refused when the interface is not ours or the instance is out of scope, even when the other
   * resource is allowed; attaching to an opted-out node explicitly denied, detaching from it
   * allowed (cleanup).
   */
  static List<Call> existingInterfaces(RemediatorConfig config, MetadataReading reading) {
    Interface ours = ours(config);
    List<Call> calls = new ArrayList<>();
    for (Node node : TestNodes.inScope(config)) {
      calls.add(
          attach(
              "attaching the " + ours.label() + " to the " + node.label(),
              Expect.ALLOWED,
              node,
              ours,
              reading));
      calls.add(
          detach(
              "detaching the " + ours.label() + " from the " + node.label(),
              Expect.ALLOWED,
              node,
              ours,
              reading));
      calls.add(
          Call.of(
              "setting DeleteOnTermination of the " + ours.label() + " on the " + node.label(),
              Expect.ALLOWED,
              ours.request(MODIFY).with("ec2:Attribute", "attachment"),
              instance(node, MODIFY, reading)));
      for (Interface foreign : notOurs()) {
        calls.add(
            attach(
                "attaching a " + foreign.label() + " to the " + node.label(),
                Expect.REFUSED,
                node,
                foreign,
                reading));
        calls.add(
            detach(
                "detaching a " + foreign.label() + " from the " + node.label(),
                Expect.REFUSED,
                node,
                foreign,
                reading));
        calls.add(
            Call.of(
                "setting DeleteOnTermination of a " + foreign.label() + " on the " + node.label(),
                Expect.REFUSED,
                foreign.request(MODIFY).with("ec2:Attribute", "attachment"),
                instance(node, MODIFY, reading)));
      }
    }
    for (Node node : TestNodes.outOfScope(config)) {
      calls.add(
          attach(
              "attaching the " + ours.label() + " to the " + node.label(),
              Expect.REFUSED,
              node,
              ours,
              reading));
      calls.add(
          detach(
              "detaching the " + ours.label() + " from the " + node.label(),
              Expect.REFUSED,
              node,
              ours,
              reading));
      calls.add(
          Call.of(
              "setting DeleteOnTermination of the " + ours.label() + " on the " + node.label(),
              Expect.REFUSED,
              ours.request(MODIFY).with("ec2:Attribute", "attachment"),
              instance(node, MODIFY, reading)));
    }
    for (Node node : TestNodes.optedOut(config)) {
      calls.add(
          attach(
              "attaching the " + ours.label() + " to the " + node.label(),
              Expect.EXPLICITLY_DENIED,
              node,
              ours,
              reading));
      calls.add(
          detach(
              "detaching the " + ours.label() + " from the " + node.label() + " (cleanup)",
              Expect.ALLOWED,
              node,
              ours,
              reading));
    }
    calls.add(
        Call.of(
            "setting SourceDestCheck of the " + ours.label(),
            Expect.ALLOWED,
            ours.request(MODIFY).with("ec2:Attribute", "sourceDestCheck")));
    calls.add(Call.of("deleting the " + ours.label(), Expect.ALLOWED, ours.request(DELETE)));
    for (Interface foreign : notOurs()) {
      calls.add(
          Call.of(
              "setting SourceDestCheck of a " + foreign.label(),
              Expect.REFUSED,
              foreign.request(MODIFY).with("ec2:Attribute", "sourceDestCheck")));
      calls.add(Call.of("deleting a " + foreign.label(), Expect.REFUSED, foreign.request(DELETE)));
    }
    return calls;
  }

  /**
   * CreateNetworkInterface for every profile, with the tags, subnet and groups the function uses:
   * allowed, and CreateTags at creation allowed with it. Refused without our ownership tag, with
   * {@code no_manage} other than {@code true}, in a subnet no profile names, with a group no
   * profile names (when every profile lists group ids), and CreateTags outside a creation.
   */
  static List<Call> creations(RemediatorConfig config) {
    List<Call> calls = new ArrayList<>();
    List<EniProfile> profiles = config.eni().profiles();
    for (int p = 0; p < profiles.size(); p++) {
      EniProfile profile = profiles.get(p);
      Map<String, String> tags = createTags(config, p);
      List<IamRequest> subnets = profileSubnets(profile);
      List<IamRequest> groups = profileGroups(profile);
      for (IamRequest subnet : subnets) {
        calls.add(
            create(
                "creating an interface for profile " + profile.name(),
                Expect.ALLOWED,
                tags,
                subnet,
                groups));
        Map<String, String> unowned = new LinkedHashMap<>(tags);
        unowned.remove(EniTags.PROFILE);
        calls.add(
            create(
                "creating an interface for profile "
                    + profile.name()
                    + " without the ownership tag",
                Expect.REFUSED,
                unowned,
                subnet,
                groups));
        Map<String, String> managed = new LinkedHashMap<>(tags);
        managed.put(EniTags.NO_MANAGE, "false");
        calls.add(
            create(
                "creating an interface for profile " + profile.name() + " with no_manage=false",
                Expect.REFUSED,
                managed,
                subnet,
                groups));
        Map<String, String> noNoManage = new LinkedHashMap<>(tags);
        noNoManage.remove(EniTags.NO_MANAGE);
        calls.add(
            create(
                "creating an interface for profile " + profile.name() + " without no_manage",
                Expect.REFUSED,
                noNoManage,
                subnet,
                groups));
      }
      calls.add(
          create(
              "creating an interface for profile "
                  + profile.name()
                  + " in a subnet no profile names",
              Expect.REFUSED,
              tags,
              subnet("subnet-0fff00000000000ff", Map.of("multus", "other", "tier", "web")),
              groups));
      if (profile.subnets().tags().size() > 1) {
        // Every tag of a selector must match, not just one of them.
        Map<String, String> partial = new LinkedHashMap<>(profile.subnets().tags());
        partial.remove(partial.keySet().iterator().next());
        calls.add(
            create(
                "creating an interface for profile "
                    + profile.name()
                    + " in a subnet carrying only part of its selector's tags",
                Expect.REFUSED,
                tags,
                subnet("subnet-0bb000000000000bb", partial),
                groups));
      }
      boolean groupsById =
          config.eni().profiles().stream().allMatch(x -> x.securityGroups().names().isEmpty());
      if (groupsById) {
        List<IamRequest> withStranger = new ArrayList<>(groups);
        withStranger.add(group("sg-0fff00000000000ff"));
        calls.add(
            create(
                "creating an interface for profile "
                    + profile.name()
                    + " with a security group no profile names",
                Expect.REFUSED,
                tags,
                subnets.get(0),
                withStranger));
      }
      calls.add(
          Call.of(
              "tagging the interface being created for profile " + profile.name(),
              Expect.ALLOWED,
              createTagsRequest("eni-0e00000000000000e", tags)
                  .with("ec2:CreateAction", "CreateNetworkInterface")));
    }
    Map<String, String> ownership = Map.of(EniTags.PROFILE, profiles.get(0).name());
    calls.add(
        Call.of(
            "putting the ownership tag on an existing interface",
            Expect.REFUSED,
            createTagsRequest("eni-0b00000000000000b", ownership)));
    calls.add(
        Call.of(
            "tagging an instance, even during a creation",
            Expect.REFUSED,
            IamRequest.of("ec2:CreateTags", IamRequest.ec2Arn("instance/i-0123456789abcdef0"))
                .with("aws:RequestTag/" + EniTags.PROFILE, profiles.get(0).name())
                .with("aws:TagKeys", EniTags.PROFILE)
                .with("ec2:CreateAction", "CreateNetworkInterface")));
    return calls;
  }

  /** The reads SdkNetworkGateway makes are allowed; no other call the IMDS role owns is. */
  static List<Call> otherCalls(RemediatorConfig config) {
    List<Call> calls = new ArrayList<>();
    for (String read :
        List.of(
            "ec2:DescribeInstances",
            "ec2:DescribeInstanceTypes",
            "ec2:DescribeNetworkInterfaces",
            "ec2:DescribeSecurityGroups",
            "ec2:DescribeSubnets")) {
      calls.add(
          Call.of(
              read,
              Expect.ALLOWED,
              IamRequest.of(read, "*").with("ec2:Region", IamSimulator.REGION)));
    }
    Node node = TestNodes.inScope(config).get(0);
    for (String write :
        List.of(
            ImdsRoleProperties.MODIFY,
            "ec2:TerminateInstances",
            "ec2:ModifyInstanceAttribute",
            "ec2:CreateTags")) {
      calls.add(Call.of(write + " on the " + node.label(), Expect.REFUSED, node.request(write)));
    }
    return calls;
  }

  /** The tags the function writes on an interface of profile {@code index}, from EniSpec itself. */
  static Map<String, String> createTags(RemediatorConfig config, int index) {
    EniProfile profile = config.eni().profiles().get(index);
    EniSpec spec =
        EniSpec.of(
            profile,
            new InstanceId("i-0123456789abcdef0"),
            profile.cluster(),
            new Subnet(
                new SubnetId("subnet-0123456789abcdef0"), "vpc-0123456789abcdef0", "eu-west-1a"),
            List.of(new SecurityGroupId("sg-0123456789abcdef0")),
            Instant.parse("2026-11-27T12:00:00Z"));
    return spec.request(Instant.parse("2026-11-27T12:00:00Z")).tags();
  }

  private static Call attach(
      String what, Expect expect, Node node, Interface eni, MetadataReading reading) {
    return Call.of(
        what + " [" + reading + "]", expect, instance(node, ATTACH, reading), eni.request(ATTACH));
  }

  private static Call detach(
      String what, Expect expect, Node node, Interface eni, MetadataReading reading) {
    return Call.of(
        what + " [" + reading + "]", expect, instance(node, DETACH, reading), eni.request(DETACH));
  }

  /** The instance side of a call: its tags, and its current metadata keys under B. */
  private static IamRequest instance(Node node, String action, MetadataReading reading) {
    return reading.apply(node.request(action), Map.of(), NODE_SETTINGS);
  }

  /** The three (or more) authorizations of one CreateNetworkInterface. */
  private static Call create(
      String what,
      Expect expect,
      Map<String, String> tags,
      IamRequest subnet,
      List<IamRequest> groups) {
    List<IamRequest> all = new ArrayList<>();
    IamRequest eni =
        // The interface has no id before it exists; any ARN of the type stands for it.
        IamRequest.of(CREATE, IamRequest.ec2Arn("network-interface/eni-0e00000000000000e"))
            .with("ec2:Region", IamSimulator.REGION);
    for (var t : tags.entrySet()) {
      eni = eni.with("aws:RequestTag/" + t.getKey(), t.getValue());
    }
    eni = eni.with("aws:TagKeys", tags.keySet().stream().sorted().toArray(String[]::new));
    all.add(eni);
    all.add(subnet);
    all.addAll(groups);
    return new Call(what, all, expect);
  }

  /** A subnet of each way the profile names them: by id, and one carrying its selector's tags. */
  private static List<IamRequest> profileSubnets(EniProfile profile) {
    List<IamRequest> subnets = new ArrayList<>();
    for (String id : profile.subnets().ids()) {
      subnets.add(subnet(id, Map.of()));
    }
    if (!profile.subnets().tags().isEmpty()) {
      Map<String, String> tags = new LinkedHashMap<>(profile.subnets().tags());
      tags.put("Name", "found-by-tags");
      subnets.add(subnet("subnet-0aa000000000000aa", tags));
    }
    return subnets;
  }

  private static List<IamRequest> profileGroups(EniProfile profile) {
    List<IamRequest> groups = new ArrayList<>();
    profile.securityGroups().ids().forEach(id -> groups.add(group(id)));
    if (!profile.securityGroups().names().isEmpty()) {
      groups.add(group("sg-0aa000000000000aa"));
    }
    return groups;
  }

  private static IamRequest subnet(String id, Map<String, String> tags) {
    return IamRequest.of(CREATE, IamRequest.ec2Arn("subnet/" + id))
        .withResourceTags(tags)
        .with("ec2:SubnetID", id)
        .with("ec2:Region", IamSimulator.REGION);
  }

  private static IamRequest group(String id) {
    return IamRequest.of(CREATE, IamRequest.ec2Arn("security-group/" + id))
        .with("ec2:SecurityGroupID", id)
        .with("ec2:Region", IamSimulator.REGION);
  }

  private static IamRequest createTagsRequest(String eniId, Map<String, String> tags) {
    IamRequest r =
        IamRequest.of("ec2:CreateTags", IamRequest.ec2Arn("network-interface/" + eniId))
            .with("ec2:Region", IamSimulator.REGION);
    for (var t : tags.entrySet()) {
      r = r.with("aws:RequestTag/" + t.getKey(), t.getValue());
    }
    return r.with("aws:TagKeys", tags.keySet().stream().sorted().toArray(String[]::new));
  }
}
