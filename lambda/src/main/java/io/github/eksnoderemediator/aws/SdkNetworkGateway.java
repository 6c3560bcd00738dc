package io.github.eksnoderemediator.aws;

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
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.AttachNetworkInterfaceResponse;
import software.amazon.awssdk.services.ec2.model.CreateNetworkInterfaceRequest;
import software.amazon.awssdk.services.ec2.model.DescribeInstanceTypesResponse;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.GroupIdentifier;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceNetworkInterface;
import software.amazon.awssdk.services.ec2.model.InstanceNetworkInterfaceAttachment;
import software.amazon.awssdk.services.ec2.model.InstanceTypeInfo;
import software.amazon.awssdk.services.ec2.model.NetworkCardInfo;
import software.amazon.awssdk.services.ec2.model.NetworkInfo;
import software.amazon.awssdk.services.ec2.model.NetworkInterface;
import software.amazon.awssdk.services.ec2.model.NetworkInterfaceAttachment;
import software.amazon.awssdk.services.ec2.model.NetworkInterfaceAttachmentChanges;
import software.amazon.awssdk.services.ec2.model.OperatorResponse;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

/**
 * {@link NetworkGateway} over the AWS SDK: the only class that knows EC2's network-interface wire
 * types. Every listing is filtered and paginated (the Describe buckets with filters or pagination
 * are twice the size of the unfiltered ones, EC2 Developer Guide "ec2-api-throttling").
 */
public final class SdkNetworkGateway implements NetworkGateway {
  /** DescribeInstances and DescribeNetworkInterfaces allow up to 1,000 results per page. */
  static final int PAGE_SIZE = 1000;

  /** Values per filter in one request; longer id lists are split. */
  static final int FILTER_VALUES = 100;

  private final Ec2Client ec2;
  private final Map<String, InterfaceLimits> limits = new ConcurrentHashMap<>();

  public SdkNetworkGateway(Ec2Client ec2) {
    this.ec2 = ec2;
  }

  @Override
  public Optional<NetworkInstance> describeInstance(InstanceId id) {
    return Ec2Reads.describeOne(ec2, id).map(SdkNetworkGateway::instance);
  }

  @Override
  public List<NetworkInstance> describeInstances(Collection<InstanceId> ids) {
    List<String> all = ids.stream().map(InstanceId::value).distinct().toList();
    List<NetworkInstance> out = new ArrayList<>();
    for (int from = 0; from < all.size(); from += FILTER_VALUES) {
      List<String> chunk = all.subList(from, Math.min(all.size(), from + FILTER_VALUES));
      out.addAll(instances(List.of(filter("instance-id", chunk))));
    }
    return out;
  }

  @Override
  public List<NetworkInstance> listInstancesByTag(
      String key, Set<String> values, Set<InstanceState> states) {
    List<Filter> filters = new ArrayList<>();
    filters.add(values.isEmpty() ? filter("tag-key", List.of(key)) : filter("tag:" + key, values));
    if (!states.isEmpty()) {
      filters.add(
          filter("instance-state-name", states.stream().map(InstanceState::ec2Name).toList()));
    }
    return instances(filters);
  }

  private List<NetworkInstance> instances(List<Filter> filters) {
    return call(
        () -> {
          List<NetworkInstance> out = new ArrayList<>();
          ec2.describeInstancesPaginator(r -> r.filters(filters).maxResults(PAGE_SIZE))
              .reservations()
              .forEach(res -> res.instances().forEach(i -> out.add(instance(i))));
          return out;
        });
  }

  @Override
  public List<EniView> listEnisByTag(String key, Optional<String> value) {
    Filter filter =
        value.isPresent()
            ? filter("tag:" + key, List.of(value.get()))
            : filter("tag-key", List.of(key));
    return enis(List.of(filter));
  }

  @Override
  public List<EniView> describeEnis(Collection<EniId> ids) {
    // A filter, not NetworkInterfaceIds: an id EC2 does not show is then simply missing.
    List<String> all = ids.stream().map(EniId::value).distinct().toList();
    List<EniView> out = new ArrayList<>();
    for (int from = 0; from < all.size(); from += FILTER_VALUES) {
      List<String> chunk = all.subList(from, Math.min(all.size(), from + FILTER_VALUES));
      out.addAll(enis(List.of(filter("network-interface-id", chunk))));
    }
    return out;
  }

  private List<EniView> enis(List<Filter> filters) {
    return call(
        () -> {
          List<EniView> out = new ArrayList<>();
          ec2.describeNetworkInterfacesPaginator(r -> r.filters(filters).maxResults(PAGE_SIZE))
              .networkInterfaces()
              .forEach(n -> out.add(eni(n)));
          return out;
        });
  }

  @Override
  public List<Subnet> findSubnets(
      String vpcId, Collection<SubnetId> ids, Map<String, String> tags) {
    List<Filter> filters = new ArrayList<>();
    filters.add(filter("vpc-id", List.of(vpcId)));
    if (!ids.isEmpty()) {
      filters.add(filter("subnet-id", ids.stream().map(SubnetId::value).toList()));
    }
    tags.forEach((k, v) -> filters.add(filter("tag:" + k, List.of(v))));
    return call(
        () -> {
          List<Subnet> out = new ArrayList<>();
          ec2.describeSubnetsPaginator(r -> r.filters(filters))
              .subnets()
              .forEach(
                  s ->
                      out.add(
                          new Subnet(new SubnetId(s.subnetId()), s.vpcId(), s.availabilityZone())));
          return out;
        });
  }

  @Override
  public List<SecurityGroup> findSecurityGroups(
      String vpcId, Collection<SecurityGroupId> ids, Collection<String> names) {
    // Filters are ANDed, so ids and names take one query each.
    Map<String, SecurityGroup> found = new LinkedHashMap<>();
    if (!ids.isEmpty()) {
      groups(vpcId, filter("group-id", ids.stream().map(SecurityGroupId::value).toList()))
          .forEach(g -> found.put(g.id().value(), g));
    }
    if (!names.isEmpty()) {
      groups(vpcId, filter("group-name", names)).forEach(g -> found.put(g.id().value(), g));
    }
    return List.copyOf(found.values());
  }

  private List<SecurityGroup> groups(String vpcId, Filter selector) {
    return call(
        () -> {
          List<SecurityGroup> out = new ArrayList<>();
          ec2.describeSecurityGroupsPaginator(
                  r -> r.filters(filter("vpc-id", List.of(vpcId)), selector))
              .securityGroups()
              .forEach(
                  g ->
                      out.add(
                          new SecurityGroup(
                              new SecurityGroupId(g.groupId()), g.groupName(), g.vpcId())));
          return out;
        });
  }

  @Override
  public InterfaceLimits interfaceLimits(String instanceType) {
    InterfaceLimits cached = limits.get(instanceType);
    if (cached != null) {
      return cached;
    }
    DescribeInstanceTypesResponse response =
        call(() -> ec2.describeInstanceTypes(r -> r.instanceTypesWithStrings(instanceType)));
    InstanceTypeInfo info =
        response.instanceTypes().stream()
            .filter(t -> instanceType.equals(t.instanceTypeAsString()))
            .findFirst()
            .orElseThrow(() -> unexpected("no instance type " + instanceType));
    NetworkInfo network = info.networkInfo();
    if (network == null || network.maximumNetworkInterfaces() == null) {
      throw unexpected("no network limits for " + instanceType);
    }
    Map<Integer, Integer> perCard = new HashMap<>();
    for (NetworkCardInfo card : network.networkCards()) {
      if (card.networkCardIndex() != null && card.maximumNetworkInterfaces() != null) {
        perCard.put(card.networkCardIndex(), card.maximumNetworkInterfaces());
      }
    }
    InterfaceLimits result =
        new InterfaceLimits(
            instanceType,
            network.maximumNetworkInterfaces(),
            network.maximumNetworkCards() == null ? 1 : network.maximumNetworkCards(),
            perCard,
            network.ipv4AddressesPerInterface() == null ? 0 : network.ipv4AddressesPerInterface());
    limits.put(instanceType, result);
    return result;
  }

  @Override
  public EniView createEni(NewEni request) {
    NetworkInterface created =
        call(() -> ec2.createNetworkInterface(createRequest(request, false))).networkInterface();
    if (created == null) {
      throw unexpected("no interface in the CreateNetworkInterface response");
    }
    return eni(created);
  }

  @Override
  public DryRunAnswer dryRunCreateEni(NewEni request) {
    try {
      ec2.createNetworkInterface(createRequest(request, true));
    } catch (SdkException e) {
      return AwsErrors.dryRun(e);
    }
    return new DryRunAnswer(
        DryRunAnswer.Outcome.OTHER, "NoError", "EC2 created the interface: DryRun was ignored");
  }

  private static CreateNetworkInterfaceRequest createRequest(NewEni request, boolean dryRun) {
    List<Tag> tags = new ArrayList<>();
    request.tags().forEach((k, v) -> tags.add(Tag.builder().key(k).value(v).build()));
    CreateNetworkInterfaceRequest.Builder create =
        CreateNetworkInterfaceRequest.builder()
            .subnetId(request.subnet().value())
            .groups(request.groups().stream().map(SecurityGroupId::value).toList())
            .clientToken(request.clientToken())
            .dryRun(dryRun ? Boolean.TRUE : null);
    if (!tags.isEmpty()) {
      create.tagSpecifications(
          TagSpecification.builder()
              .resourceType(ResourceType.NETWORK_INTERFACE)
              .tags(tags)
              .build());
    }
    request.description().ifPresent(create::description);
    if (request.secondaryPrivateIpCount() > 0) {
      create.secondaryPrivateIpAddressCount(request.secondaryPrivateIpCount());
    }
    return create.build();
  }

  @Override
  public DryRunAnswer dryRunAttach(
      EniId eni, InstanceId instance, int networkCardIndex, int deviceIndex) {
    try {
      ec2.attachNetworkInterface(
          r ->
              r.networkInterfaceId(eni.value())
                  .instanceId(instance.value())
                  .deviceIndex(deviceIndex)
                  .networkCardIndex(networkCardIndex)
                  .dryRun(true));
    } catch (SdkException e) {
      return AwsErrors.dryRun(e);
    }
    return new DryRunAnswer(
        DryRunAnswer.Outcome.OTHER, "NoError", "EC2 attached the interface: DryRun was ignored");
  }

  @Override
  public String attach(EniId eni, InstanceId instance, int networkCardIndex, int deviceIndex) {
    AttachNetworkInterfaceResponse response =
        call(
            () ->
                ec2.attachNetworkInterface(
                    r ->
                        r.networkInterfaceId(eni.value())
                            .instanceId(instance.value())
                            .deviceIndex(deviceIndex)
                            .networkCardIndex(networkCardIndex)));
    if (response.attachmentId() == null) {
      throw unexpected("no attachment id in the AttachNetworkInterface response");
    }
    return response.attachmentId();
  }

  @Override
  public void setDeleteOnTermination(EniId eni, String attachmentId, boolean deleteOnTermination) {
    call(
        () ->
            ec2.modifyNetworkInterfaceAttribute(
                r ->
                    r.networkInterfaceId(eni.value())
                        .attachment(
                            NetworkInterfaceAttachmentChanges.builder()
                                .attachmentId(attachmentId)
                                .deleteOnTermination(deleteOnTermination)
                                .build())));
  }

  @Override
  public void setSourceDestCheck(EniId eni, boolean enabled) {
    call(
        () ->
            ec2.modifyNetworkInterfaceAttribute(
                r -> r.networkInterfaceId(eni.value()).sourceDestCheck(v -> v.value(enabled))));
  }

  @Override
  public void detach(String attachmentId, boolean force) {
    call(
        () ->
            ec2.detachNetworkInterface(
                r -> {
                  r.attachmentId(attachmentId);
                  if (force) {
                    r.force(true);
                  }
                }));
  }

  @Override
  public void deleteEni(EniId eni) {
    call(() -> ec2.deleteNetworkInterface(r -> r.networkInterfaceId(eni.value())));
  }

  static NetworkInstance instance(Instance i) {
    InstanceId id = new InstanceId(i.instanceId());
    InstanceState state =
        InstanceState.fromName(i.state() == null ? null : i.state().nameAsString());
    if (state == null) {
      throw unexpected("an unknown state for " + id);
    }
    Map<String, String> tags = new HashMap<>();
    for (Tag tag : i.tags()) {
      tags.put(tag.key(), tag.value() == null ? "" : tag.value());
    }
    OperatorResponse operator = i.operator();
    Optional<String> managedBy =
        operator != null && Boolean.TRUE.equals(operator.managed())
            ? Optional.of(operator.principal() == null ? "an AWS service" : operator.principal())
            : Optional.empty();
    List<NetworkInstance.Interface> interfaces = new ArrayList<>();
    for (InstanceNetworkInterface n : i.networkInterfaces()) {
      InstanceNetworkInterfaceAttachment a = n.attachment();
      if (a == null || n.networkInterfaceId() == null) {
        continue;
      }
      interfaces.add(
          new NetworkInstance.Interface(
              new EniId(n.networkInterfaceId()),
              new EniAttachment(
                  Optional.of(id),
                  a.networkCardIndex() == null ? 0 : a.networkCardIndex(),
                  a.deviceIndex() == null ? 0 : a.deviceIndex(),
                  a.attachmentId(),
                  attachmentStatus(a.statusAsString()),
                  Boolean.TRUE.equals(a.deleteOnTermination()))));
    }
    return new NetworkInstance(
        id,
        state,
        tags,
        i.launchTime(),
        managedBy,
        i.vpcId(),
        i.placement() == null ? null : i.placement().availabilityZone(),
        i.instanceTypeAsString(),
        interfaces);
  }

  static EniView eni(NetworkInterface n) {
    Map<String, String> tags = new HashMap<>();
    for (Tag tag : n.tagSet()) {
      tags.put(tag.key(), tag.value() == null ? "" : tag.value());
    }
    Optional<EniAttachment> attachment = Optional.empty();
    NetworkInterfaceAttachment a = n.attachment();
    if (a != null && a.attachmentId() != null) {
      attachment =
          Optional.of(
              new EniAttachment(
                  InstanceId.isValid(a.instanceId())
                      ? Optional.of(new InstanceId(a.instanceId()))
                      : Optional.empty(),
                  a.networkCardIndex() == null ? 0 : a.networkCardIndex(),
                  a.deviceIndex() == null ? 0 : a.deviceIndex(),
                  a.attachmentId(),
                  attachmentStatus(a.statusAsString()),
                  Boolean.TRUE.equals(a.deleteOnTermination())));
    }
    EniStatus status = EniStatus.fromName(n.statusAsString());
    return new EniView(
        new EniId(n.networkInterfaceId()),
        // A status this code does not know is treated as in use: never attached, never deleted.
        status == null ? EniStatus.IN_USE : status,
        new SubnetId(n.subnetId()),
        n.vpcId(),
        n.availabilityZone(),
        n.groups().stream().map(GroupIdentifier::groupId).map(SecurityGroupId::new).toList(),
        n.description() == null ? "" : n.description(),
        !Boolean.FALSE.equals(n.sourceDestCheck()),
        tags,
        attachment);
  }

  /** An unknown attachment status is treated as holding the slot: never taken, never reused. */
  private static AttachmentStatus attachmentStatus(String name) {
    AttachmentStatus status = AttachmentStatus.fromName(name);
    return status == null ? AttachmentStatus.ATTACHED : status;
  }

  private static Filter filter(String name, Collection<String> values) {
    return Filter.builder().name(name).values(values).build();
  }

  private static <T> T call(Supplier<T> call) {
    try {
      return call.get();
    } catch (SdkException e) {
      throw AwsErrors.classify(e);
    }
  }

  /** EC2 answered with something this code cannot reason about: never guess a value. */
  private static Ec2CallException unexpected(String what) {
    return new Ec2CallException(
        Ec2CallException.Kind.INVALID_REQUEST, "UnexpectedResponse", "EC2 reported " + what, null);
  }
}
