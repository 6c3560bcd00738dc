package io.github.eksnoderemediator.aws;

import io.github.eksnoderemediator.node.NodeTags;
import io.github.eksnoderemediator.port.DryRunAnswer;
import io.github.eksnoderemediator.port.Ec2CallException;
import io.github.eksnoderemediator.port.Ec2Gateway;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.port.InstanceState;
import io.github.eksnoderemediator.port.InstanceView;
import io.github.eksnoderemediator.port.LaunchTemplateRef;
import io.github.eksnoderemediator.port.MetadataDefaults;
import io.github.eksnoderemediator.port.MetadataOptions;
import io.github.eksnoderemediator.port.MetadataOptions.ApplyState;
import io.github.eksnoderemediator.port.MetadataOptions.Endpoint;
import io.github.eksnoderemediator.port.MetadataOptions.Tokens;
import io.github.eksnoderemediator.port.TemplateOptions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DescribeInstancesResponse;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.HttpTokensState;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceMetadataDefaultsResponse;
import software.amazon.awssdk.services.ec2.model.InstanceMetadataEndpointState;
import software.amazon.awssdk.services.ec2.model.InstanceMetadataOptionsResponse;
import software.amazon.awssdk.services.ec2.model.InstanceMetadataOptionsState;
import software.amazon.awssdk.services.ec2.model.LaunchTemplateInstanceMetadataOptions;
import software.amazon.awssdk.services.ec2.model.LaunchTemplateVersion;
import software.amazon.awssdk.services.ec2.model.ModifyInstanceMetadataOptionsRequest;
import software.amazon.awssdk.services.ec2.model.ModifyInstanceMetadataOptionsResponse;
import software.amazon.awssdk.services.ec2.model.OperatorResponse;
import software.amazon.awssdk.services.ec2.model.Tag;

/** {@link Ec2Gateway} over the AWS SDK: the only class that knows EC2's wire types. */
public final class SdkEc2Gateway implements Ec2Gateway {
  private final Ec2Client ec2;

  public SdkEc2Gateway(Ec2Client ec2) {
    this.ec2 = ec2;
  }

  @Override
  public Optional<InstanceView> describeInstance(InstanceId id) {
    return Ec2Reads.describeOne(ec2, id).map(SdkEc2Gateway::view);
  }

  @Override
  public Map<InstanceId, InstanceView> describeInstances(Collection<InstanceId> ids) {
    Map<InstanceId, InstanceView> views = new LinkedHashMap<>();
    for (Instance instance : Ec2Reads.describeMany(ec2, ids)) {
      InstanceView view = view(instance);
      views.put(view.id(), view);
    }
    return views;
  }

  @Override
  public void terminateInstances(List<InstanceId> ids) {
    try {
      ec2.terminateInstances(r -> r.instanceIds(ids.stream().map(InstanceId::value).toList()));
    } catch (SdkException e) {
      throw AwsErrors.classify(e);
    }
  }

  @Override
  public MetadataOptions modifyMetadataOptions(InstanceId id, MetadataOptions target) {
    return modify(id, target, modifyRequest(id, target, false));
  }

  @Override
  public MetadataOptions modifyMetadataOptionsOnce(InstanceId id, MetadataOptions target) {
    // The SDK's retries would hide throttled attempts from the caller's pacer and spend attempts it
    // never allowed: this one request goes out once, and the pacer makes the retry.
    return modify(
        id,
        target,
        modifyRequest(id, target, false).toBuilder()
            .overrideConfiguration(
                o ->
                    o.addPlugin(
                        config ->
                            config.overrideConfiguration(
                                c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))))
            .build());
  }

  private MetadataOptions modify(
      InstanceId id, MetadataOptions target, ModifyInstanceMetadataOptionsRequest request) {
    ModifyInstanceMetadataOptionsResponse response;
    try {
      response = ec2.modifyInstanceMetadataOptions(request);
    } catch (SdkException e) {
      throw AwsErrors.classify(e);
    }
    InstanceMetadataOptionsResponse options = response.instanceMetadataOptions();
    return options == null ? target.withState(ApplyState.PENDING) : options(id, options);
  }

  @Override
  public DryRunAnswer dryRunModifyMetadataOptions(InstanceId id, MetadataOptions target) {
    try {
      ec2.modifyInstanceMetadataOptions(modifyRequest(id, target, true));
    } catch (SdkException e) {
      return AwsErrors.dryRun(e);
    }
    // EC2 always answers a dry run with an error; a success means it ignored the flag.
    return new DryRunAnswer(
        DryRunAnswer.Outcome.OTHER, "NoError", "EC2 applied the request: DryRun was ignored");
  }

  /**
   * All three fields, every time: older API docs say an omitted HttpTokens means optional.
   * InstanceMetadataTags and HttpProtocolIpv6 are never sent.
   */
  private static ModifyInstanceMetadataOptionsRequest modifyRequest(
      InstanceId id, MetadataOptions target, boolean dryRun) {
    return ModifyInstanceMetadataOptionsRequest.builder()
        .instanceId(id.value())
        .httpTokens(HttpTokensState.fromValue(target.httpTokens().ec2Name()))
        .httpPutResponseHopLimit(target.hopLimit())
        .httpEndpoint(InstanceMetadataEndpointState.fromValue(target.httpEndpoint().ec2Name()))
        .dryRun(dryRun ? Boolean.TRUE : null)
        .build();
  }

  @Override
  public List<InstanceView> sampleRunningInstances(int max) {
    try {
      return ec2
          .describeInstances(
              r ->
                  r.maxResults(Math.max(5, Math.min(max, PAGE_SIZE)))
                      .filters(
                          Filter.builder().name("instance-state-name").values("running").build()))
          .reservations()
          .stream()
          .flatMap(r -> r.instances().stream())
          .limit(max)
          .map(SdkEc2Gateway::view)
          .toList();
    } catch (SdkException e) {
      throw AwsErrors.classify(e);
    }
  }

  /** The most DescribeInstances returns per page: one call per 1,000 nodes. */
  static final int PAGE_SIZE = 1000;

  @Override
  public NodeListing listNodes(Set<String> clusters) {
    List<String> tagKeys =
        new ArrayList<>(
            List.of(NodeTags.MANAGED_CLUSTER, NodeTags.KARPENTER_CLUSTER, NodeTags.EKSCTL_CLUSTER));
    if (clusters.isEmpty()) {
      tagKeys.add(NodeTags.CLUSTER_TAG_PREFIX + "*");
    } else {
      clusters.stream().sorted().forEach(c -> tagKeys.add(NodeTags.CLUSTER_TAG_PREFIX + c));
    }
    List<InstanceView> nodes = new ArrayList<>();
    int pages = 0;
    try {
      for (DescribeInstancesResponse page :
          ec2.describeInstancesPaginator(
              r ->
                  r.maxResults(PAGE_SIZE)
                      .filters(
                          Filter.builder().name("tag-key").values(tagKeys).build(),
                          Filter.builder()
                              .name("instance-state-name")
                              .values(LISTED_STATES)
                              .build()))) {
        pages++;
        page.reservations().forEach(r -> r.instances().forEach(i -> nodes.add(view(i))));
      }
    } catch (SdkException e) {
      throw AwsErrors.classify(e);
    }
    return new NodeListing(nodes, pages);
  }

  @Override
  public Optional<TemplateOptions> launchTemplateOptions(LaunchTemplateRef template) {
    try {
      List<LaunchTemplateVersion> versions =
          ec2.describeLaunchTemplateVersions(
                  r -> {
                    template.id().ifPresent(r::launchTemplateId);
                    if (template.id().isEmpty()) {
                      template.name().ifPresent(r::launchTemplateName);
                    }
                    r.versions(template.version());
                  })
              .launchTemplateVersions();
      if (versions.isEmpty()) {
        return Optional.empty();
      }
      LaunchTemplateInstanceMetadataOptions o =
          versions.get(0).launchTemplateData().metadataOptions();
      return Optional.of(
          o == null
              ? new TemplateOptions(Optional.empty(), Optional.empty(), Optional.empty())
              : new TemplateOptions(
                  Optional.ofNullable(o.httpTokensAsString()),
                  Optional.ofNullable(o.httpPutResponseHopLimit()),
                  Optional.ofNullable(o.httpEndpointAsString())));
    } catch (SdkException e) {
      Ec2CallException failure = AwsErrors.classify(e);
      if (failure.kind() == Ec2CallException.Kind.NOT_FOUND) {
        return Optional.empty();
      }
      throw failure;
    }
  }

  @Override
  public MetadataDefaults accountMetadataDefaults() {
    try {
      InstanceMetadataDefaultsResponse d = ec2.getInstanceMetadataDefaults(r -> {}).accountLevel();
      return d == null
          ? new MetadataDefaults(
              new TemplateOptions(Optional.empty(), Optional.empty(), Optional.empty()),
              Optional.empty(),
              Optional.empty())
          : new MetadataDefaults(
              new TemplateOptions(
                  Optional.ofNullable(d.httpTokensAsString()),
                  Optional.ofNullable(d.httpPutResponseHopLimit()),
                  Optional.ofNullable(d.httpEndpointAsString())),
              Optional.ofNullable(d.httpTokensEnforcedAsString()),
              Optional.ofNullable(d.managedByAsString()));
    } catch (SdkException e) {
      throw AwsErrors.classify(e);
    }
  }

  private static final List<String> LISTED_STATES =
      List.of("pending", "running", "stopping", "stopped");

  static InstanceView view(Instance instance) {
    InstanceId id = new InstanceId(instance.instanceId());
    InstanceState state =
        InstanceState.fromName(instance.state() == null ? null : instance.state().nameAsString());
    if (state == null) {
      throw unexpected(id, "an unknown instance state");
    }
    Map<String, String> tags = new HashMap<>();
    for (Tag tag : instance.tags()) {
      tags.put(tag.key(), tag.value() == null ? "" : tag.value());
    }
    if (instance.metadataOptions() == null) {
      throw unexpected(id, "no metadata options");
    }
    OperatorResponse operator = instance.operator();
    Optional<String> managedBy =
        operator != null && Boolean.TRUE.equals(operator.managed())
            ? Optional.of(operator.principal() == null ? "an AWS service" : operator.principal())
            : Optional.empty();
    return new InstanceView(
        id, state, tags, options(id, instance.metadataOptions()), instance.launchTime(), managedBy);
  }

  private static MetadataOptions options(InstanceId id, InstanceMetadataOptionsResponse o) {
    Tokens tokens =
        switch (o.httpTokens() == null ? HttpTokensState.UNKNOWN_TO_SDK_VERSION : o.httpTokens()) {
          case REQUIRED -> Tokens.REQUIRED;
          case OPTIONAL -> Tokens.OPTIONAL;
          default -> throw unexpected(id, "HttpTokens " + o.httpTokensAsString());
        };
    Endpoint endpoint =
        switch (o.httpEndpoint() == null
            ? InstanceMetadataEndpointState.UNKNOWN_TO_SDK_VERSION
            : o.httpEndpoint()) {
          case ENABLED -> Endpoint.ENABLED;
          case DISABLED -> Endpoint.DISABLED;
          default -> throw unexpected(id, "HttpEndpoint " + o.httpEndpointAsString());
        };
    if (o.httpPutResponseHopLimit() == null) {
      throw unexpected(id, "no hop limit");
    }
    ApplyState applyState =
        o.state() == InstanceMetadataOptionsState.APPLIED ? ApplyState.APPLIED : ApplyState.PENDING;
    return new MetadataOptions(tokens, o.httpPutResponseHopLimit(), endpoint, applyState);
  }

  /** EC2 answered with something this code cannot reason about: never guess a value. */
  private static Ec2CallException unexpected(InstanceId id, String what) {
    return new Ec2CallException(
        Ec2CallException.Kind.INVALID_REQUEST,
        "UnexpectedResponse",
        "EC2 reported " + what + " for " + id,
        null);
  }
}
