package io.github.eksnoderemediator.iam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.eksnoderemediator.infra.iam.FindingsReading;
import io.github.eksnoderemediator.infra.iam.IamRequest;
import io.github.eksnoderemediator.infra.iam.MetadataReading;
import io.github.eksnoderemediator.testing.RecordingProxy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.NetworkInterface;
import software.amazon.awssdk.services.ec2.model.Tag;

/**
 * What IAM authorizes for one request the function really sent: each resource the action authorizes
 * (Service Authorization Reference, EC2, EKS and Security Hub), with the context keys AWS supplies
 * for it. Resource tags are looked up in the emulator, as IAM looks them up in the account; the
 * value keys of {@code ModifyInstanceMetadataOptions} follow a {@link MetadataReading}.
 *
 * <p>Every action the functions call is listed here; any other fails the test that sent it, so a
 * new call cannot slip past IAM unchecked.
 */
final class AuthorizationRequests {
  /** Actions without resource-level permissions: IAM authorizes them on {@code *}. */
  private static final Set<String> UNSCOPED_EC2 =
      Set.of(
          "DescribeInstances",
          "DescribeNetworkInterfaces",
          "DescribeSubnets",
          "DescribeSecurityGroups",
          "DescribeInstanceTypes",
          "DescribeLaunchTemplateVersions",
          "GetInstanceMetadataDefaults");

  private static final Pattern EKS_PATH =
      Pattern.compile("^/clusters(?:/([^/?]+)(?:/node-groups(?:/([^/?]+))?)?)?/?(?:\\?.*)?$");

  /**
   * The interface a CreateNetworkInterface is about to create has no id yet; IAM matches it against
   * {@code network-interface/*}, so any id stands for it (the simulator takes only concrete ARNs).
   */
  static final String NEW_INTERFACE = "network-interface/eni-00000000000000000";

  private final Ec2Client moto;

  /**
   * @param moto a client straight to the emulator (not through the proxy): IAM's own view of the
   *     account's resources
   */
  AuthorizationRequests(Ec2Client moto) {
    this.moto = moto;
  }

  /**
   * The authorizations for {@code request}; every one must be allowed. Empty when the request names
   * a resource that does not exist (EC2 then answers not found, as the emulator does).
   */
  List<IamRequest> of(RecordingProxy.Request request, MetadataReading reading) {
    try {
      return authorizations(request, reading);
    } catch (Missing e) {
      return List.of();
    }
  }

  private List<IamRequest> authorizations(RecordingProxy.Request request, MetadataReading reading) {
    if (request.target() != null && request.target().startsWith("AWSEvents.")) {
      return events(request);
    }
    String action = request.param("Action");
    if (action == null
        && (request.path().startsWith("/findings") || request.path().startsWith("/members"))) {
      return List.of(securityHub(request));
    }
    if (action == null) {
      return List.of(eks(request));
    }
    if (UNSCOPED_EC2.contains(action)) {
      return List.of(IamRequest.of("ec2:" + action, "*"));
    }
    return switch (action) {
      case "ModifyInstanceMetadataOptions" -> List.of(modifyMetadata(request, reading));
      case "CreateNetworkInterface" -> createInterface(request);
      case "AttachNetworkInterface" ->
          List.of(
              instance("ec2:AttachNetworkInterface", request.param("InstanceId")),
              networkInterface("ec2:AttachNetworkInterface", request.param("NetworkInterfaceId")));
      case "DetachNetworkInterface" -> detach(request.param("AttachmentId"));
      case "ModifyNetworkInterfaceAttribute" -> modifyInterface(request);
      case "DeleteNetworkInterface" ->
          List.of(
              networkInterface("ec2:DeleteNetworkInterface", request.param("NetworkInterfaceId")));
      default ->
          throw new UnsupportedOperationException(
              "the IAM-enforcing proxy does not know what ec2:"
                  + action
                  + " authorizes; add it to "
                  + AuthorizationRequests.class.getSimpleName());
    };
  }

  private IamRequest modifyMetadata(RecordingProxy.Request request, MetadataReading reading) {
    String id = request.param("InstanceId");
    Instance instance = describeInstance(id);
    if (instance == null) {
      throw new Missing();
    }
    Map<String, String> requested = new LinkedHashMap<>();
    Map<String, String> current = new LinkedHashMap<>();
    for (String p : MetadataReading.PARAMETERS) {
      if (request.param(p) != null) {
        requested.put(p, request.param(p));
      }
    }
    if (instance.metadataOptions() != null) {
      var o = instance.metadataOptions();
      current.put("HttpTokens", o.httpTokensAsString());
      current.put("HttpPutResponseHopLimit", String.valueOf(o.httpPutResponseHopLimit()));
      current.put("HttpEndpoint", o.httpEndpointAsString());
    }
    IamRequest r =
        IamRequest.of("ec2:ModifyInstanceMetadataOptions", IamRequest.ec2Arn("instance/" + id))
            .withResourceTags(tags(instance.tags()));
    // Parameters EC2 has for this action but the metadata readings do not model: still "an
    // attribute being set", so a role that denies them sees them.
    for (String p : List.of("InstanceMetadataTags", "HttpProtocolIpv6")) {
      if (request.param(p) != null && reading.attributeKeys()) {
        r = r.with("ec2:Attribute/" + p, request.param(p));
      }
    }
    return reading.apply(r, requested, current);
  }

  private List<IamRequest> createInterface(RecordingProxy.Request request) {
    Map<String, String> requestTags = new LinkedHashMap<>();
    for (int i = 1; request.param("TagSpecification." + i + ".ResourceType") != null; i++) {
      for (int t = 1; request.param("TagSpecification." + i + ".Tag." + t + ".Key") != null; t++) {
        requestTags.put(
            request.param("TagSpecification." + i + ".Tag." + t + ".Key"),
            request.param("TagSpecification." + i + ".Tag." + t + ".Value"));
      }
    }
    List<IamRequest> all = new ArrayList<>();
    IamRequest created =
        IamRequest.of("ec2:CreateNetworkInterface", IamRequest.ec2Arn(NEW_INTERFACE));
    all.add(withRequestTags(created, requestTags));
    String subnet = request.param("SubnetId");
    all.add(
        IamRequest.of("ec2:CreateNetworkInterface", IamRequest.ec2Arn("subnet/" + subnet))
            .withResourceTags(subnetTags(subnet)));
    for (int i = 1; request.param("SecurityGroupId." + i) != null; i++) {
      String group = request.param("SecurityGroupId." + i);
      all.add(
          IamRequest.of("ec2:CreateNetworkInterface", IamRequest.ec2Arn("security-group/" + group))
              .withResourceTags(groupTags(group)));
    }
    if (!requestTags.isEmpty()) {
      // Tags given at creation are authorized as ec2:CreateTags on the new resource (EC2 User
      // Guide, "Grant permission to tag resources during creation").
      all.add(
          withRequestTags(
              IamRequest.of("ec2:CreateTags", IamRequest.ec2Arn(NEW_INTERFACE))
                  .with("ec2:CreateAction", "CreateNetworkInterface"),
              requestTags));
    }
    return all;
  }

  private static IamRequest withRequestTags(IamRequest request, Map<String, String> tags) {
    IamRequest r = request;
    for (var e : tags.entrySet()) {
      r = r.with("aws:RequestTag/" + e.getKey(), e.getValue());
    }
    return tags.isEmpty() ? r : r.with("aws:TagKeys", tags.keySet().toArray(String[]::new));
  }

  private List<IamRequest> detach(String attachmentId) {
    List<NetworkInterface> found =
        moto.describeNetworkInterfaces(
                r ->
                    r.filters(
                        Filter.builder()
                            .name("attachment.attachment-id")
                            .values(attachmentId)
                            .build()))
            .networkInterfaces();
    if (found.isEmpty()) {
      throw new Missing();
    }
    NetworkInterface eni = found.get(0);
    return List.of(
        instance("ec2:DetachNetworkInterface", eni.attachment().instanceId()),
        IamRequest.of(
                "ec2:DetachNetworkInterface",
                IamRequest.ec2Arn("network-interface/" + eni.networkInterfaceId()))
            .withResourceTags(tags(eni.tagSet())));
  }

  private List<IamRequest> modifyInterface(RecordingProxy.Request request) {
    String id = request.param("NetworkInterfaceId");
    List<IamRequest> all = new ArrayList<>();
    all.add(networkInterface("ec2:ModifyNetworkInterfaceAttribute", id));
    if (request.param("Attachment.AttachmentId") != null) {
      // Changing an attachment involves the instance it is attached to.
      NetworkInterface eni = describeInterface(id);
      if (eni != null && eni.attachment() != null && eni.attachment().instanceId() != null) {
        all.add(instance("ec2:ModifyNetworkInterfaceAttribute", eni.attachment().instanceId()));
      }
    }
    return all;
  }

  private IamRequest instance(String action, String id) {
    Instance instance = describeInstance(id);
    if (instance == null) {
      throw new Missing();
    }
    return IamRequest.of(action, IamRequest.ec2Arn("instance/" + id))
        .withResourceTags(tags(instance.tags()));
  }

  private IamRequest networkInterface(String action, String id) {
    NetworkInterface eni = describeInterface(id);
    if (eni == null) {
      throw new Missing();
    }
    return IamRequest.of(action, IamRequest.ec2Arn("network-interface/" + id))
        .withResourceTags(tags(eni.tagSet()));
  }

  /**
   * A request names a resource that does not exist. EC2 answers such a request with its {@code
   * ...NotFound} error, whatever the caller's permissions (it needs the resource to evaluate
   * resource tags), so the request goes on to the emulator, which answers the same. This is the one
   * assumption the proxy makes about EC2's order of checks; a concurrent invocation that deleted
   * the interface first is the usual way to get here.
   */
  private static final class Missing extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Missing() {
      super(null, null, false, false);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Security Hub's REST-JSON findings calls (Service Authorization Reference, "AWS Security Hub"):
   * GetFindings ({@code POST /findings}), ListMembers ({@code GET /members}) and
   * BatchUpdateFindings ({@code PATCH /findings/batchupdate}) on the account and Region's hub, the
   * latter with {@code securityhub:ASFFSyntaxPath/<field>} for each field the body sets, as the
   * User Guide documents them ({@link FindingsReading#MEMBERS}).
   */
  private static IamRequest securityHub(RecordingProxy.Request request) {
    String path = request.path().replaceAll("\\?.*", "");
    if ("POST".equals(request.method()) && path.equals("/findings")) {
      return IamRequest.of("securityhub:GetFindings", FindingsReading.hubArn());
    }
    if ("GET".equals(request.method()) && path.equals("/members")) {
      return IamRequest.of("securityhub:ListMembers", FindingsReading.hubArn());
    }
    if ("PATCH".equals(request.method()) && path.equals("/findings/batchupdate")) {
      Map<String, String> set = new LinkedHashMap<>();
      try {
        JsonNode body = JSON.readTree(request.body());
        body.fields()
            .forEachRemaining(
                field -> {
                  if (field.getKey().equals("FindingIdentifiers")) {
                    return;
                  }
                  JsonNode v = field.getValue();
                  if (v.isObject()) {
                    v.fields()
                        .forEachRemaining(
                            m -> set.put(field.getKey() + "." + m.getKey(), m.getValue().asText()));
                  } else if (v.isArray()) {
                    v.forEach(
                        item -> {
                          if (item.isObject()) {
                            item.fields()
                                .forEachRemaining(
                                    m ->
                                        set.put(
                                            field.getKey() + "." + m.getKey(),
                                            m.getValue().asText()));
                          } else {
                            set.put(field.getKey(), item.asText());
                          }
                        });
                  } else {
                    set.put(field.getKey(), v.asText());
                  }
                });
      } catch (java.io.IOException e) {
        throw new IllegalArgumentException("BatchUpdateFindings body is not JSON", e);
      }
      IamRequest r = IamRequest.of("securityhub:BatchUpdateFindings", FindingsReading.hubArn());
      for (var e : FindingsReading.MEMBERS.context(set).entrySet()) {
        r = r.with(e.getKey(), e.getValue().toArray(String[]::new));
      }
      return r;
    }
    throw new UnsupportedOperationException(
        "the IAM-enforcing proxy does not know what Security Hub's "
            + request.method()
            + " "
            + path
            + " authorizes");
  }

  /**
   * EventBridge (JSON protocol, the action in {@code X-Amz-Target}). PutEvents is authorized once
   * per event bus its entries name (the default bus when none), with {@code events:source} and
   * {@code events:detail-type} holding every value of the entries for that bus: both keys are
   * multivalued in the Service Authorization Reference.
   */
  private static List<IamRequest> events(RecordingProxy.Request request) {
    if (!"AWSEvents.PutEvents".equals(request.target())) {
      throw new UnsupportedOperationException(
          "the IAM-enforcing proxy does not know what "
              + request.target()
              + " authorizes; add it to "
              + AuthorizationRequests.class.getSimpleName());
    }
    com.fasterxml.jackson.databind.JsonNode body;
    try {
      body = new com.fasterxml.jackson.databind.ObjectMapper().readTree(request.body());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    Map<String, List<String>> sources = new LinkedHashMap<>();
    Map<String, List<String>> detailTypes = new LinkedHashMap<>();
    for (com.fasterxml.jackson.databind.JsonNode entry : body.path("Entries")) {
      String bus = entry.path("EventBusName").asText("default");
      String arn =
          bus.startsWith("arn:")
              ? bus
              : "arn:aws:events:"
                  + io.github.eksnoderemediator.infra.iam.IamSimulator.REGION
                  + ":"
                  + io.github.eksnoderemediator.infra.iam.IamSimulator.ACCOUNT
                  + ":event-bus/"
                  + bus;
      sources.computeIfAbsent(arn, k -> new ArrayList<>()).add(entry.path("Source").asText());
      detailTypes
          .computeIfAbsent(arn, k -> new ArrayList<>())
          .add(entry.path("DetailType").asText());
    }
    List<IamRequest> requests = new ArrayList<>();
    sources.forEach(
        (arn, s) ->
            requests.add(
                IamRequest.of("events:PutEvents", arn)
                    .with("events:source", s.stream().distinct().toArray(String[]::new))
                    .with(
                        "events:detail-type",
                        detailTypes.get(arn).stream().distinct().toArray(String[]::new))));
    return requests;
  }

  private static IamRequest eks(RecordingProxy.Request request) {
    Matcher m = EKS_PATH.matcher(request.path());
    if (!"GET".equals(request.method()) || !m.matches()) {
      throw new UnsupportedOperationException(
          "the IAM-enforcing proxy does not know what "
              + request.method()
              + " "
              + request.path()
              + " authorizes");
    }
    String cluster = m.group(1);
    String nodegroup = m.group(2);
    boolean listsNodegroups = request.path().contains("/node-groups") && nodegroup == null;
    if (cluster == null) {
      return IamRequest.of("eks:ListClusters", "*");
    }
    if (nodegroup != null) {
      // The real ARN ends in the node group's uuid; any value stands for it here.
      return IamRequest.of(
          "eks:DescribeNodegroup",
          IamRequest.eksArn(
              "nodegroup/" + cluster + "/" + nodegroup + "/00000000-0000-0000-0000-000000000000"));
    }
    return IamRequest.of(
        listsNodegroups ? "eks:ListNodegroups" : "eks:DescribeCluster",
        IamRequest.eksArn("cluster/" + cluster));
  }

  private Instance describeInstance(String id) {
    if (id == null) {
      return null;
    }
    return moto
        .describeInstances(r -> r.filters(Filter.builder().name("instance-id").values(id).build()))
        .reservations()
        .stream()
        .flatMap(r -> r.instances().stream())
        .findFirst()
        .orElse(null);
  }

  private NetworkInterface describeInterface(String id) {
    if (id == null) {
      return null;
    }
    return moto
        .describeNetworkInterfaces(
            r -> r.filters(Filter.builder().name("network-interface-id").values(id).build()))
        .networkInterfaces()
        .stream()
        .findFirst()
        .orElse(null);
  }

  private Map<String, String> subnetTags(String id) {
    return moto
        .describeSubnets(r -> r.filters(Filter.builder().name("subnet-id").values(id).build()))
        .subnets()
        .stream()
        .findFirst()
        .map(s -> tags(s.tags()))
        .orElseThrow(Missing::new);
  }

  private Map<String, String> groupTags(String id) {
    return moto
        .describeSecurityGroups(
            r -> r.filters(Filter.builder().name("group-id").values(id).build()))
        .securityGroups()
        .stream()
        .findFirst()
        .map(g -> tags(g.tags()))
        .orElseThrow(Missing::new);
  }

  private static Map<String, String> tags(List<Tag> tags) {
    Map<String, String> map = new LinkedHashMap<>();
    if (tags != null) {
      tags.forEach(t -> map.put(t.key(), t.value()));
    }
    return map;
  }
}
