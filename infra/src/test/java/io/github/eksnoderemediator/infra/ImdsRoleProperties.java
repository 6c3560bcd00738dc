package io.github.eksnoderemediator.infra;

import io.github.eksnoderemediator.config.HopLimitBand;
import io.github.eksnoderemediator.config.HttpEndpointSetting;
import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.imds.ImdsDecision;
import io.github.eksnoderemediator.imds.ImdsPolicy;
import io.github.eksnoderemediator.infra.RoleChecks.Call;
import io.github.eksnoderemediator.infra.RoleChecks.Expect;
import io.github.eksnoderemediator.infra.TestNodes.Node;
import io.github.eksnoderemediator.infra.iam.IamRequest;
import io.github.eksnoderemediator.infra.iam.IamSimulator;
import io.github.eksnoderemediator.infra.iam.MetadataReading;
import io.github.eksnoderemediator.node.NodeTags;
import io.github.eksnoderemediator.port.MetadataOptions;
import io.github.eksnoderemediator.port.MetadataOptions.ApplyState;
import io.github.eksnoderemediator.port.MetadataOptions.Endpoint;
import io.github.eksnoderemediator.port.MetadataOptions.Tokens;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the IMDS function's role must allow and refuse, as calls for {@link RoleChecks}: every
 * property is a method returning the calls, so a test on the synthesized role and a test on a role
 * broken on purpose check exactly the same thing. Each takes the configuration the role was
 * synthesized from and one {@link MetadataReading} of EC2's undocumented value keys.
 */
final class ImdsRoleProperties {
  static final String MODIFY = "ec2:ModifyInstanceMetadataOptions";

  private ImdsRoleProperties() {}

  /** Starting settings nodes are launched with, from IMDSv1 with a wide hop limit to compliant. */
  static final List<MetadataOptions> STARTS =
      List.of(
          options(Tokens.OPTIONAL, 1, Endpoint.ENABLED),
          options(Tokens.OPTIONAL, 2, Endpoint.ENABLED),
          options(Tokens.OPTIONAL, 64, Endpoint.ENABLED),
          options(Tokens.OPTIONAL, 1, Endpoint.DISABLED),
          options(Tokens.REQUIRED, 1, Endpoint.ENABLED),
          options(Tokens.REQUIRED, 3, Endpoint.ENABLED),
          options(Tokens.REQUIRED, 64, Endpoint.DISABLED));

  /**
   * Hardening: for every in-scope node of every launcher and every starting setting, the change the
   * function itself decides ({@link ImdsPolicy}, the code that runs in Lambda) is allowed. Also
   * every hop limit of the configuration's envelope with tokens required, so that a band an
   * override asks for is never refused.
   */
  static List<Call> hardening(RemediatorConfig config, MetadataReading reading) {
    ImdsPolicy policy = new ImdsPolicy(config.imds());
    List<Call> calls = new ArrayList<>();
    for (Node node : TestNodes.inScope(config)) {
      var identified = (NodeTags.Identified) NodeTags.identify(node.tags());
      for (MetadataOptions start : STARTS) {
        if (policy.decide(identified.node(), start) instanceof ImdsDecision.Change change) {
          calls.add(
              modify(
                  "hardening the "
                      + node.label()
                      + " from "
                      + show(start)
                      + " to "
                      + show(change.target()),
                  Expect.ALLOWED,
                  node,
                  reading,
                  sent(change.target()),
                  settings(start)));
        }
      }
      HopLimitBand envelope = config.imds().envelope();
      for (int hop = envelope.min(); hop <= envelope.max(); hop++) {
        MetadataOptions target =
            options(Tokens.REQUIRED, hop, endpointFor(config, Endpoint.ENABLED));
        calls.add(
            modify(
                "setting the " + node.label() + " to " + show(target) + ", inside the envelope",
                Expect.ALLOWED,
                node,
                reading,
                sent(target),
                settings(STARTS.get(0))));
      }
    }
    return calls;
  }

  /**
   * Loosening an in-scope node: tokens back to optional, a hop limit outside the envelope (64, 3,
   * just above its maximum and just below its minimum), the endpoint other than configured, and
   * setting the fields the function never sends ({@code InstanceMetadataTags}, {@code
   * HttpProtocolIpv6}). Explicitly denied wherever EC2 supplies {@code ec2:Attribute/*}; under a
   * reading without those keys, IAM is told nothing about the values, so the role cannot refuse
   * them and these calls are expected to be ALLOWED: there, only the function's code stands between
   * a node and loosening (it never sends these).
   */
  static List<Call> loosening(RemediatorConfig config, MetadataReading reading) {
    Expect expect = reading.attributeKeys() ? Expect.EXPLICITLY_DENIED : Expect.ALLOWED;
    HopLimitBand envelope = config.imds().envelope();
    Endpoint endpoint = endpointFor(config, Endpoint.ENABLED);
    MetadataOptions compliant = options(Tokens.REQUIRED, envelope.max(), endpoint);
    Map<String, String> current = settings(compliant);
    List<Map.Entry<String, Map<String, String>>> requests = new ArrayList<>();
    requests.add(
        Map.entry("tokens optional", sent(options(Tokens.OPTIONAL, envelope.max(), endpoint))));
    List<Integer> outside = new ArrayList<>(List.of(64, 3));
    if (envelope.max() + 1 < 64 && envelope.max() + 1 != 3) {
      outside.add(envelope.max() + 1);
    }
    if (envelope.min() > 1) {
      outside.add(envelope.min() - 1);
    }
    for (int hop : outside) {
      if (!envelope.contains(hop)) {
        requests.add(
            Map.entry(
                "hop limit " + hop + " (envelope " + envelope + ")",
                sent(options(Tokens.REQUIRED, hop, endpoint))));
      }
    }
    if (config.imds().httpEndpoint() != HttpEndpointSetting.UNCHANGED) {
      Endpoint other = endpoint == Endpoint.ENABLED ? Endpoint.DISABLED : Endpoint.ENABLED;
      requests.add(
          Map.entry(
              "endpoint " + other + " (configured " + endpoint + ")",
              sent(options(Tokens.REQUIRED, envelope.max(), other))));
    }
    for (String notOurs : MetadataReading.OTHER_PARAMETERS) {
      Map<String, String> request = new LinkedHashMap<>(sent(compliant));
      request.put(notOurs, "enabled");
      requests.add(Map.entry(notOurs + " enabled, with hardening values", request));
    }
    List<Call> calls = new ArrayList<>();
    for (Node node : TestNodes.inScope(config)) {
      for (var r : requests) {
        calls.add(
            modify(
                "loosening the " + node.label() + ": " + r.getKey(),
                expect,
                node,
                reading,
                r.getValue(),
                current));
      }
    }
    return calls;
  }

  /**
   * Out of scope: a hardening change on an instance that is not a node of a cluster in scope is
   * refused, and on an in-scope node carrying the opt-out tag it is explicitly denied.
   */
  static List<Call> outOfScope(RemediatorConfig config, MetadataReading reading) {
    MetadataOptions start = STARTS.get(0);
    MetadataOptions target =
        options(
            Tokens.REQUIRED, config.imds().envelope().max(), endpointFor(config, Endpoint.ENABLED));
    List<Call> calls = new ArrayList<>();
    for (Node node : TestNodes.outOfScope(config)) {
      calls.add(
          modify(
              "hardening the " + node.label(),
              Expect.REFUSED,
              node,
              reading,
              sent(target),
              settings(start)));
    }
    for (Node node : TestNodes.optedOut(config)) {
      calls.add(
          modify(
              "hardening the " + node.label(),
              Expect.EXPLICITLY_DENIED,
              node,
              reading,
              sent(target),
              settings(start)));
    }
    return calls;
  }

  /**
   * Every other call the function makes is allowed (SdkEc2Gateway: DescribeInstances,
   * DescribeLaunchTemplateVersions, GetInstanceMetadataDefaults; SdkEksGateway: ListClusters,
   * DescribeCluster, ListNodegroups, DescribeNodegroup; SdkImdsV1Usage: GetMetricData), and writes
   * it never makes are refused, even on an in-scope node.
   */
  static List<Call> otherCalls(RemediatorConfig config) {
    List<Call> calls = new ArrayList<>();
    for (String read :
        List.of(
            "ec2:DescribeInstances",
            "ec2:DescribeLaunchTemplateVersions",
            "ec2:GetInstanceMetadataDefaults")) {
      calls.add(
          Call.of(
              read,
              Expect.ALLOWED,
              IamRequest.of(read, "*").with("ec2:Region", IamSimulator.REGION)));
    }
    calls.add(Call.of("eks:ListClusters", Expect.ALLOWED, IamRequest.of("eks:ListClusters", "*")));
    // SdkImdsV1Usage: the MetadataNoToken reads before tokens are required (no resource types).
    calls.add(
        Call.of(
            "cloudwatch:GetMetricData",
            Expect.ALLOWED,
            IamRequest.of("cloudwatch:GetMetricData", "*")));
    for (String cluster : List.of("prod", "anything")) {
      String clusterArn = IamRequest.eksArn("cluster/" + cluster);
      calls.add(
          Call.of(
              "eks:DescribeCluster " + cluster,
              Expect.ALLOWED,
              IamRequest.of("eks:DescribeCluster", clusterArn)));
      calls.add(
          Call.of(
              "eks:ListNodegroups " + cluster,
              Expect.ALLOWED,
              IamRequest.of("eks:ListNodegroups", clusterArn)));
      calls.add(
          Call.of(
              "eks:DescribeNodegroup " + cluster,
              Expect.ALLOWED,
              IamRequest.of(
                  "eks:DescribeNodegroup",
                  IamRequest.eksArn(
                      "nodegroup/" + cluster + "/general/0ac5d5e8-1b2c-4d3e-9f00-123456789abc"))));
    }
    Node node = TestNodes.inScope(config).get(0);
    for (String write :
        List.of(
            "ec2:TerminateInstances",
            "ec2:StopInstances",
            "ec2:ModifyInstanceAttribute",
            "ec2:CreateTags",
            "ec2:DeleteTags",
            "ec2:AttachNetworkInterface",
            "ec2:ModifyInstanceMaintenanceOptions")) {
      calls.add(Call.of(write + " on the " + node.label(), Expect.REFUSED, node.request(write)));
    }
    calls.add(
        Call.of(
            "ec2:ModifyInstanceMetadataDefaults",
            Expect.REFUSED,
            IamRequest.of("ec2:ModifyInstanceMetadataDefaults", "*")
                .with("ec2:Region", IamSimulator.REGION)));
    calls.add(
        Call.of(
            "eks:UpdateNodegroupConfig",
            Expect.REFUSED,
            IamRequest.of(
                "eks:UpdateNodegroupConfig",
                IamRequest.eksArn("nodegroup/prod/general/0ac5d5e8-1b2c-4d3e-9f00-123456789abc"))));
    return calls;
  }

  /** One ModifyInstanceMetadataOptions on {@code node} with the keys {@code reading} supplies. */
  static Call modify(
      String what,
      Expect expect,
      Node node,
      MetadataReading reading,
      Map<String, String> requested,
      Map<String, String> current) {
    return Call.of(
        what + " [" + reading + "]",
        expect,
        reading.apply(node.request(MODIFY), requested, current));
  }

  /** The parameters SdkEc2Gateway sends for a target: all three, every time. */
  static Map<String, String> sent(MetadataOptions target) {
    return settings(target);
  }

  /** An instance's settings, by the request parameters' names. */
  static Map<String, String> settings(MetadataOptions o) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("HttpTokens", o.httpTokens().ec2Name());
    m.put("HttpPutResponseHopLimit", String.valueOf(o.hopLimit()));
    m.put("HttpEndpoint", o.httpEndpoint().ec2Name());
    return m;
  }

  private static Endpoint endpointFor(RemediatorConfig config, Endpoint unchanged) {
    return switch (config.imds().httpEndpoint()) {
      case UNCHANGED -> unchanged;
      case ENABLED -> Endpoint.ENABLED;
      case DISABLED -> Endpoint.DISABLED;
    };
  }

  private static MetadataOptions options(Tokens tokens, int hop, Endpoint endpoint) {
    return new MetadataOptions(tokens, hop, endpoint, ApplyState.APPLIED);
  }

  private static String show(MetadataOptions o) {
    return o.httpTokens() + "/" + o.hopLimit() + "/" + o.httpEndpoint();
  }
}
