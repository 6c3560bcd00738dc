package io.github.eksnoderemediator.testing;

import io.github.eksnoderemediator.aws.AwsErrors;
import io.github.eksnoderemediator.port.AttachmentStatus;
import io.github.eksnoderemediator.port.DryRunAnswer;
import io.github.eksnoderemediator.port.Ec2CallException;
import io.github.eksnoderemediator.port.EniAttachment;
import io.github.eksnoderemediator.port.EniId;
import io.github.eksnoderemediator.port.EniStatus;
import io.github.eksnoderemediator.port.EniView;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.port.InstanceState;
import io.github.eksnoderemediator.port.InterfaceLimits;
import io.github.eksnoderemediator.port.NetworkGateway;
import io.github.eksnoderemediator.port.NetworkInstance;
import io.github.eksnoderemediator.port.NewEni;
import io.github.eksnoderemediator.port.SecurityGroup;
import io.github.eksnoderemediator.port.SecurityGroupId;
import io.github.eksnoderemediator.port.Subnet;
import io.github.eksnoderemediator.port.SubnetId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;

/**
 * An in-memory EC2 at the {@link NetworkGateway} boundary, written to the documented rules that the
 * moto emulator does not enforce (docs/aws-behaviour.md, "ENIs"):
 *
 * <ul>
 *   <li>{@code ClientToken}: the same token with the same parameters returns the same interface
 *       (even after it was deleted: EC2's answer there is unverified; this assumes it replays the
 *       original response); with other parameters, {@code IdempotentParameterMismatch};
 *   <li>an interface must be in the instance's Availability Zone; a {@code (card, index)} holds one
 *       interface ({@code InvalidParameterValue}); an interface attached already cannot be attached
 *       again or deleted ({@code InvalidNetworkInterface.InUse}); the instance type's limits hold;
 *   <li>attach only to {@code running} or {@code stopped} instances ({@code
 *       IncorrectInstanceState});
 *   <li>an attached interface starts with DeleteOnTermination {@code false}; on termination EC2
 *       deletes the DeleteOnTermination ones and makes the others {@code available};
 *   <li>a normal detach of an interface still shown attached to a terminated instance fails ({@code
 *       IncorrectInstanceState}); a forced one works;
 *   <li>eventual consistency: a new interface is invisible to the first {@link
 *       #newInterfacesInvisibleFor} calls that would see it (listings, describes, calls by id).
 * </ul>
 *
 * Errors are real SDK exceptions classified by the production {@link AwsErrors}, so the error codes
 * the fake uses go through the same classification EC2's would. Every method is synchronized:
 * concurrent invocations see one consistent EC2.
 */
public final class FakeNetworkEc2 implements NetworkGateway {
  public static final String VPC = "vpc-0a1b2c3d4e5f60001";
  public static final String OTHER_VPC = "vpc-0a1b2c3d4e5f60002";
  public static final String AZ_A = "eu-west-1a";
  public static final String AZ_B = "eu-west-1b";

  private final Random random = new Random(7);
  private final Map<SubnetId, Subnet> subnets = new LinkedHashMap<>();
  private final Map<String, Map<String, String>> subnetTags = new HashMap<>();
  private final Map<SecurityGroupId, SecurityGroup> groups = new LinkedHashMap<>();
  private final Map<InstanceId, FakeInstance> instances = new LinkedHashMap<>();
  private final Map<EniId, FakeEni> enis = new LinkedHashMap<>();
  private final Map<String, Token> tokens = new HashMap<>();
  private final Map<String, InterfaceLimits> limits = new HashMap<>();
  private final List<String> calls = new ArrayList<>();
  private int newInterfacesInvisibleFor;
  private boolean terminationLeavesInterfacesAttached;

  private static final class FakeInstance {
    InstanceId id;
    InstanceState state;
    Map<String, String> tags;
    Instant launchTime;
    Optional<String> managedBy = Optional.empty();
    String vpcId;
    String az;
    String type;
  }

  private static final class FakeEni {
    EniId id;
    SubnetId subnet;
    String vpcId;
    String az;
    List<SecurityGroupId> groups;
    String description;
    boolean sourceDestCheck = true;
    Map<String, String> tags;
    EniAttachment attachment;
    int invisibleFor;
  }

  private record Token(NewEni request, EniView response) {}

  public FakeNetworkEc2() {
    limits.put("m5.large", new InterfaceLimits("m5.large", 3, 1, Map.of(0, 3), 10));
    limits.put("t3.micro", new InterfaceLimits("t3.micro", 2, 1, Map.of(0, 2), 2));
    limits.put(
        "p4d.24xlarge",
        new InterfaceLimits("p4d.24xlarge", 60, 4, Map.of(0, 15, 1, 15, 2, 15, 3, 15), 50));
  }

  // ---- set-up ----

  /** New interfaces are invisible to this many calls that would otherwise see them. */
  public synchronized FakeNetworkEc2 newInterfacesInvisibleFor(int calls) {
    this.newInterfacesInvisibleFor = calls;
    return this;
  }

  /**
   * Mimics an EC2 that still shows non-DeleteOnTermination interfaces attached after termination.
   */
  public synchronized FakeNetworkEc2 terminationLeavesInterfacesAttached(boolean leaves) {
    this.terminationLeavesInterfacesAttached = leaves;
    return this;
  }

  public synchronized Subnet addSubnet(String vpc, String az, Map<String, String> tags) {
    Subnet s = new Subnet(new SubnetId("subnet-" + hex()), vpc, az);
    subnets.put(s.id(), s);
    subnetTags.put(s.id().value(), Map.copyOf(tags));
    return s;
  }

  public synchronized SecurityGroup addGroup(String vpc, String name) {
    SecurityGroup g = new SecurityGroup(new SecurityGroupId("sg-" + hex()), name, vpc);
    groups.put(g.id(), g);
    return g;
  }

  /** Launches an instance with its primary interface (card 0, index 0, DeleteOnTermination). */
  public synchronized InstanceId launch(
      Subnet subnet, String type, Map<String, String> tags, InstanceState state) {
    FakeInstance i = new FakeInstance();
    i.id = new InstanceId("i-" + hex());
    i.state = state;
    i.tags = new HashMap<>(tags);
    i.launchTime = Instant.parse("2026-11-20T14:00:00Z");
    i.vpcId = subnet.vpcId();
    i.az = subnet.availabilityZone();
    i.type = type;
    instances.put(i.id, i);
    FakeEni primary = newEni(subnet, List.of(), "primary", Map.of());
    primary.invisibleFor = 0;
    primary.attachment =
        new EniAttachment(
            Optional.of(i.id), 0, 0, "eni-attach-" + hex(), AttachmentStatus.ATTACHED, true);
    return i.id;
  }

  public synchronized void managedBy(InstanceId id, String principal) {
    instances.get(id).managedBy = Optional.of(principal);
  }

  public synchronized void setState(InstanceId id, InstanceState state) {
    instances.get(id).state = state;
  }

  public synchronized void setTags(InstanceId id, Map<String, String> tags) {
    instances.get(id).tags = new HashMap<>(tags);
  }

  /**
   * Terminates: EC2 deletes the DeleteOnTermination interfaces and makes the others available
   * (unless {@link #terminationLeavesInterfacesAttached}).
   */
  public synchronized void terminate(InstanceId id) {
    instances.get(id).state = InstanceState.TERMINATED;
    for (FakeEni e : List.copyOf(enis.values())) {
      if (e.attachment != null && e.attachment.instance().equals(Optional.of(id))) {
        if (e.attachment.deleteOnTermination()) {
          enis.remove(e.id);
        } else if (!terminationLeavesInterfacesAttached) {
          e.attachment = null;
        }
      }
    }
  }

  /** EC2 forgets a terminated instance (about an hour later). */
  public synchronized void forget(InstanceId id) {
    instances.remove(id);
  }

  /** An interface someone else made (the VPC CNI, an operator), attached at a slot, or not. */
  public synchronized EniId addInterface(
      Subnet subnet,
      Map<String, String> tags,
      Optional<InstanceId> attachTo,
      int card,
      int index,
      boolean deleteOnTermination) {
    FakeEni e = newEni(subnet, List.of(), "", tags);
    e.invisibleFor = 0;
    attachTo.ifPresent(
        id ->
            e.attachment =
                new EniAttachment(
                    Optional.of(id),
                    card,
                    index,
                    "eni-attach-" + hex(),
                    AttachmentStatus.ATTACHED,
                    deleteOnTermination));
    return e.id;
  }

  /** Deletes an interface behind the service's back (an operator, say). */
  public synchronized void deleteOutOfBand(EniId id) {
    enis.remove(id);
  }

  // ---- inspection (no visibility rules, no call recording) ----

  /** Every interface that exists, as EC2 would eventually show it. */
  public synchronized List<EniView> allInterfaces() {
    return enis.values().stream().map(FakeNetworkEc2::view).toList();
  }

  /** Every interface carrying the ownership tag key. */
  public synchronized List<EniView> interfacesTagged(String key) {
    return enis.values().stream()
        .filter(e -> e.tags.containsKey(key))
        .map(FakeNetworkEc2::view)
        .toList();
  }

  public synchronized Optional<EniView> interfaceById(EniId id) {
    return Optional.ofNullable(enis.get(id)).map(FakeNetworkEc2::view);
  }

  /** Every call made through the port, as {@code Action detail}. */
  public synchronized List<String> calls() {
    return List.copyOf(calls);
  }

  public synchronized long count(String action) {
    return calls.stream().filter(c -> c.equals(action) || c.startsWith(action + " ")).count();
  }

  /** The mutating calls made, in order. */
  public synchronized List<String> writes() {
    return calls.stream()
        .filter(
            c ->
                c.startsWith("CreateNetworkInterface")
                    || c.startsWith("AttachNetworkInterface")
                    || c.startsWith("ModifyNetworkInterfaceAttribute")
                    || c.startsWith("DetachNetworkInterface")
                    || c.startsWith("DeleteNetworkInterface"))
        .toList();
  }

  public synchronized void clearCalls() {
    calls.clear();
  }

  // ---- NetworkGateway ----

  @Override
  public synchronized Optional<NetworkInstance> describeInstance(InstanceId id) {
    calls.add("DescribeInstances " + id);
    return Optional.ofNullable(instances.get(id)).map(this::view);
  }

  @Override
  public synchronized List<NetworkInstance> describeInstances(Collection<InstanceId> ids) {
    calls.add("DescribeInstances " + new TreeSet<>(ids));
    return ids.stream()
        .distinct()
        .map(instances::get)
        .filter(Objects::nonNull)
        .map(this::view)
        .toList();
  }

  @Override
  public synchronized List<NetworkInstance> listInstancesByTag(
      String key, Set<String> values, Set<InstanceState> states) {
    calls.add("DescribeInstances tag " + key + "=" + values + " state " + states);
    return instances.values().stream()
        .filter(
            i -> i.tags.containsKey(key) && (values.isEmpty() || values.contains(i.tags.get(key))))
        .filter(i -> states.isEmpty() || states.contains(i.state))
        .map(this::view)
        .toList();
  }

  @Override
  public synchronized List<EniView> listEnisByTag(String key, Optional<String> value) {
    calls.add("DescribeNetworkInterfaces tag " + key + "=" + value.orElse("*"));
    List<EniView> out = new ArrayList<>();
    for (FakeEni e : enis.values()) {
      if (e.tags.containsKey(key) && value.map(v -> v.equals(e.tags.get(key))).orElse(true)) {
        if (visible(e)) {
          out.add(view(e));
        }
      }
    }
    return out;
  }

  @Override
  public synchronized List<EniView> describeEnis(Collection<EniId> ids) {
    calls.add("DescribeNetworkInterfaces " + new TreeSet<>(ids));
    List<EniView> out = new ArrayList<>();
    for (EniId id : new TreeSet<>(ids)) {
      FakeEni e = enis.get(id);
      if (e != null && visible(e)) {
        out.add(view(e));
      }
    }
    return out;
  }

  @Override
  public synchronized List<Subnet> findSubnets(
      String vpcId, Collection<SubnetId> ids, Map<String, String> tags) {
    calls.add("DescribeSubnets " + vpcId);
    return subnets.values().stream()
        .filter(s -> s.vpcId().equals(vpcId))
        .filter(s -> ids.isEmpty() || ids.contains(s.id()))
        .filter(
            s ->
                tags.entrySet().stream()
                    .allMatch(
                        t -> t.getValue().equals(subnetTags.get(s.id().value()).get(t.getKey()))))
        .toList();
  }

  @Override
  public synchronized List<SecurityGroup> findSecurityGroups(
      String vpcId, Collection<SecurityGroupId> ids, Collection<String> names) {
    calls.add("DescribeSecurityGroups " + vpcId);
    return groups.values().stream()
        .filter(g -> g.vpcId().equals(vpcId))
        .filter(g -> ids.contains(g.id()) || names.contains(g.name()))
        .toList();
  }

  @Override
  public synchronized InterfaceLimits interfaceLimits(String instanceType) {
    calls.add("DescribeInstanceTypes " + instanceType);
    InterfaceLimits l = limits.get(instanceType);
    if (l == null) {
      throw error(
          400, "InvalidInstanceType", "The instance type '" + instanceType + "' does not exist");
    }
    return l;
  }

  @Override
  public synchronized EniView createEni(NewEni request) {
    calls.add("CreateNetworkInterface " + request.clientToken());
    Token earlier = tokens.get(request.clientToken());
    if (earlier != null) {
      if (!earlier.request().equals(request)) {
        throw error(
            400,
            "IdempotentParameterMismatch",
            "The client token you have provided is associated with a resource that is already deleted or has different parameters.");
      }
      return earlier.response();
    }
    Subnet subnet = subnets.get(request.subnet());
    if (subnet == null) {
      throw error(
          400,
          "InvalidSubnetID.NotFound",
          "The subnet ID '" + request.subnet() + "' does not exist");
    }
    for (SecurityGroupId g : request.groups()) {
      SecurityGroup group = groups.get(g);
      if (group == null) {
        throw error(400, "InvalidGroup.NotFound", "The security group '" + g + "' does not exist");
      }
      if (!group.vpcId().equals(subnet.vpcId())) {
        throw error(
            400,
            "InvalidParameterCombination",
            "The security group '" + g + "' and subnet belong to different networks");
      }
    }
    FakeEni e = newEni(subnet, request.groups(), request.description().orElse(""), request.tags());
    EniView response = view(e);
    tokens.put(request.clientToken(), new Token(request, response));
    return response;
  }

  @Override
  public synchronized String attach(
      EniId eni, InstanceId instance, int networkCardIndex, int deviceIndex) {
    calls.add(
        "AttachNetworkInterface "
            + eni
            + " "
            + instance
            + " "
            + networkCardIndex
            + "/"
            + deviceIndex);
    FakeInstance i = instances.get(instance);
    if (i == null) {
      throw error(
          400, "InvalidInstanceID.NotFound", "The instance ID '" + instance + "' does not exist");
    }
    FakeEni e = byId(eni);
    if (i.state != InstanceState.RUNNING && i.state != InstanceState.STOPPED) {
      throw error(
          400,
          "IncorrectInstanceState",
          "The instance '"
              + instance
              + "' is not in a valid state for this operation ("
              + i.state
              + ")");
    }
    if (e.attachment != null) {
      throw error(400, "InvalidNetworkInterface.InUse", "Interface: [" + eni + "] in use.");
    }
    if (!e.az.equals(i.az) || !e.vpcId.equals(i.vpcId)) {
      throw error(
          400,
          "InvalidParameterCombination",
          "You may not attach a network interface to an instance if they are not in the same availability zone");
    }
    InterfaceLimits l = limits.get(i.type);
    if (networkCardIndex >= l.maxCards()) {
      throw error(400, "InvalidParameterValue", "Invalid network card index " + networkCardIndex);
    }
    List<EniAttachment> attached =
        enis.values().stream()
            .map(x -> x.attachment)
            .filter(a -> a != null && a.instance().equals(Optional.of(instance)))
            .toList();
    if (attached.stream()
        .anyMatch(
            a -> a.networkCardIndex() == networkCardIndex && a.deviceIndex() == deviceIndex)) {
      throw error(
          400,
          "InvalidParameterValue",
          "Instance '"
              + instance
              + "' already has an interface attached at device index '"
              + deviceIndex
              + "'.");
    }
    long onCard = attached.stream().filter(a -> a.networkCardIndex() == networkCardIndex).count();
    if (attached.size() + 1 > l.maxInterfaces()
        || onCard + 1 > l.forCard(networkCardIndex).orElse(l.maxInterfaces())) {
      throw error(
          400, "AttachmentLimitExceeded", "Interface count exceeds the limit for " + i.type);
    }
    String attachmentId = "eni-attach-" + hex();
    e.attachment =
        new EniAttachment(
            Optional.of(instance),
            networkCardIndex,
            deviceIndex,
            attachmentId,
            AttachmentStatus.ATTACHED,
            false);
    return attachmentId;
  }

  @Override
  public synchronized void setDeleteOnTermination(EniId eni, String attachmentId, boolean value) {
    calls.add("ModifyNetworkInterfaceAttribute " + eni + " DeleteOnTermination=" + value);
    FakeEni e = byId(eni);
    if (e.attachment == null || !e.attachment.attachmentId().equals(attachmentId)) {
      throw error(
          400,
          "InvalidAttachmentID.NotFound",
          "The attachment '" + attachmentId + "' does not exist");
    }
    EniAttachment a = e.attachment;
    e.attachment =
        new EniAttachment(
            a.instance(),
            a.networkCardIndex(),
            a.deviceIndex(),
            a.attachmentId(),
            a.status(),
            value);
  }

  @Override
  public synchronized void setSourceDestCheck(EniId eni, boolean enabled) {
    calls.add("ModifyNetworkInterfaceAttribute " + eni + " SourceDestCheck=" + enabled);
    byId(eni).sourceDestCheck = enabled;
  }

  @Override
  public synchronized void detach(String attachmentId, boolean force) {
    calls.add("DetachNetworkInterface " + attachmentId + (force ? " force" : ""));
    FakeEni e =
        enis.values().stream()
            .filter(x -> x.attachment != null && x.attachment.attachmentId().equals(attachmentId))
            .findFirst()
            .orElseThrow(
                () ->
                    error(
                        400,
                        "InvalidAttachmentID.NotFound",
                        "The attachment '" + attachmentId + "' does not exist"));
    if (e.attachment.deviceIndex() == 0 && e.attachment.networkCardIndex() == 0) {
      throw error(400, "OperationNotPermitted", "The primary interface cannot be detached");
    }
    FakeInstance i = e.attachment.instance().map(instances::get).orElse(null);
    if (!force && (i == null || i.state == InstanceState.TERMINATED)) {
      throw error(
          400,
          "IncorrectInstanceState",
          "The instance is not in a valid state for this operation; use force");
    }
    e.attachment = null;
  }

  @Override
  public synchronized void deleteEni(EniId eni) {
    calls.add("DeleteNetworkInterface " + eni);
    FakeEni e = byId(eni);
    if (e.attachment != null) {
      throw error(400, "InvalidNetworkInterface.InUse", "Interface: [" + eni + "] in use.");
    }
    enis.remove(eni);
  }

  // ---- internals ----

  private FakeEni newEni(
      Subnet subnet, List<SecurityGroupId> groupIds, String description, Map<String, String> tags) {
    FakeEni e = new FakeEni();
    e.id = new EniId("eni-" + hex());
    e.subnet = subnet.id();
    e.vpcId = subnet.vpcId();
    e.az = subnet.availabilityZone();
    e.groups = List.copyOf(groupIds);
    e.description = description;
    e.tags = new HashMap<>(tags);
    e.invisibleFor = newInterfacesInvisibleFor;
    enis.put(e.id, e);
    return e;
  }

  /** One call that would see {@code e}: false while it is still invisible (and counts down). */
  private boolean visible(FakeEni e) {
    if (e.invisibleFor > 0) {
      e.invisibleFor--;
      return false;
    }
    return true;
  }

  private FakeEni byId(EniId id) {
    FakeEni e = enis.get(id);
    if (e == null || !visible(e)) {
      throw error(
          400,
          "InvalidNetworkInterfaceID.NotFound",
          "The networkInterface ID '" + id + "' does not exist");
    }
    return e;
  }

  private NetworkInstance view(FakeInstance i) {
    List<NetworkInstance.Interface> interfaces = new ArrayList<>();
    for (FakeEni e : enis.values()) {
      if (e.attachment != null && e.attachment.instance().equals(Optional.of(i.id))) {
        interfaces.add(new NetworkInstance.Interface(e.id, e.attachment));
      }
    }
    return new NetworkInstance(
        i.id, i.state, i.tags, i.launchTime, i.managedBy, i.vpcId, i.az, i.type, interfaces);
  }

  private static EniView view(FakeEni e) {
    return new EniView(
        e.id,
        e.attachment == null ? EniStatus.AVAILABLE : EniStatus.IN_USE,
        e.subnet,
        e.vpcId,
        e.az,
        e.groups,
        e.description,
        e.sourceDestCheck,
        e.tags,
        Optional.ofNullable(e.attachment));
  }

  private String hex() {
    StringBuilder b = new StringBuilder();
    for (int k = 0; k < 17; k++) {
      b.append("0123456789abcdef".charAt(random.nextInt(16)));
    }
    return b.toString();
  }

  private static Ec2CallException error(int status, String code, String message) {
    return AwsErrors.classify(
        (Ec2Exception)
            Ec2Exception.builder()
                .statusCode(status)
                .awsErrorDetails(
                    AwsErrorDetails.builder().errorCode(code).errorMessage(message).build())
                .message(message)
                .build());
  }

  /** The set of ids, for assertions. */
  public static Set<String> ids(Collection<EniView> enis) {
    Set<String> out = new HashSet<>();
    enis.forEach(e -> out.add(e.id().value()));
    return out;
  }

  /** The fake models no IAM: every dry run is answered as an allowed one. */
  @Override
  public DryRunAnswer dryRunCreateEni(NewEni request) {
    return new DryRunAnswer(DryRunAnswer.Outcome.ALLOWED, "DryRunOperation", "fake: no IAM");
  }

  @Override
  public DryRunAnswer dryRunAttach(
      EniId eni, InstanceId instance, int networkCardIndex, int deviceIndex) {
    return new DryRunAnswer(DryRunAnswer.Outcome.ALLOWED, "DryRunOperation", "fake: no IAM");
  }
}
