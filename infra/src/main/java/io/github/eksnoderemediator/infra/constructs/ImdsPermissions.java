package io.github.eksnoderemediator.infra.constructs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.eksnoderemediator.config.ConfigException;
import io.github.eksnoderemediator.config.HopLimitBand;
import io.github.eksnoderemediator.config.HttpEndpointSetting;
import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.infra.AppSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.iam.PolicyDocument;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.constructs.Construct;

/**
 * The IMDS function's role: it may describe instances and change the metadata options of EKS nodes
 * in scope, only to settings the configuration can ask for, and never of an instance that carries
 * the opt-out tag. No AWS managed policy: the function's log and failure-queue grants are added by
 * the constructs that own those resources. docs/iam.md explains every statement.
 */
public final class ImdsPermissions extends Construct {
  static final String MODIFY = "ec2:ModifyInstanceMetadataOptions";
  static final String HOP_LIMIT_KEY = "ec2:MetadataHttpPutResponseHopLimit";

  /** Tags the launchers put on nodes (docs/iam.md, "Which instances are EKS nodes"). */
  static final String MANAGED_NODE_GROUP_TAG = "eks:cluster-name";

  static final String KARPENTER_TAG = "eks:eks-cluster-name";
  static final String EKSCTL_TAG = "alpha.eksctl.io/cluster-name";
  static final String SELF_MANAGED_TAG_PREFIX = "kubernetes.io/cluster/";

  /**
   * IAM allows 10,240 characters (whitespace excluded) for all inline policies of a role. The
   * statements built here may use this much; the log and queue grants CDK adds take about 400.
   */
  static final int POLICY_BUDGET = 10_240 - 700;

  /** The longest instance ARN a partition and Region can produce, to size the policy. */
  private static final String LONGEST_INSTANCE_ARN =
      "arn:aws-iso-b:ec2:us-isob-east-1:123456789012:instance/*";

  private final Role role;

  public ImdsPermissions(Construct scope, String id, RemediatorConfig config) {
    super(scope, id);
    int size = policySize(statements(config, LONGEST_INSTANCE_ARN));
    if (size > POLICY_BUDGET) {
      throw new ConfigException(
          AppSettings.REMEDIATOR_WHERE + " clusters",
          config.clusters().size()
              + " clusters make the IMDS role's policy about "
              + size
              + " characters (one statement per cluster); IAM allows 10,240 for all inline policies"
              + " of a role, so list fewer clusters, or none for every cluster (docs/iam.md)");
    }
    String instances =
        "arn:" + Aws.PARTITION + ":ec2:" + Aws.REGION + ":" + Aws.ACCOUNT_ID + ":instance/*";
    this.role =
        Role.Builder.create(this, "Role")
            .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
            .description("EKS Node Remediator IMDS function: hardens EKS node metadata options")
            .inlinePolicies(
                Map.of(
                    "ImdsRemediation",
                    PolicyDocument.Builder.create()
                        .statements(statements(config, instances))
                        .build()))
            .build();
  }

  public IRole role() {
    return role;
  }

  static List<PolicyStatement> statements(RemediatorConfig config, String instances) {
    List<PolicyStatement> statements = new ArrayList<>();
    statements.add(
        PolicyStatement.Builder.create()
            .sid("DescribeInstances")
            .effect(Effect.ALLOW)
            .actions(List.of("ec2:DescribeInstances"))
            // DescribeInstances supports no resource-level permissions or resource conditions:
            // "*" is the only resource IAM accepts for it (Service Authorization Reference, EC2).
            .resources(List.of("*"))
            .build());

    if (config.clusters().isEmpty()) {
      // Every cluster: the node must carry a launcher's cluster tag, whatever its value. IAM
      // cannot wildcard a tag key, so kubernetes.io/cluster/<name> cannot be required here.
      statements.add(
          modify(
              "ModifyManagedNodeGroupNodes", instances, config, tagExists(MANAGED_NODE_GROUP_TAG)));
      statements.add(modify("ModifyKarpenterNodes", instances, config, tagExists(KARPENTER_TAG)));
      statements.add(modify("ModifyEksctlNodes", instances, config, tagExists(EKSCTL_TAG)));
    } else {
      List<String> clusters = config.clusters().stream().sorted().toList();
      statements.add(
          modify(
              "ModifyManagedNodeGroupNodes",
              instances,
              config,
              tagIn(MANAGED_NODE_GROUP_TAG, clusters)));
      statements.add(
          modify("ModifyKarpenterNodes", instances, config, tagIn(KARPENTER_TAG, clusters)));
      for (int i = 0; i < clusters.size(); i++) {
        statements.add(
            modify(
                "ModifySelfManagedNodes" + (i + 1),
                instances,
                config,
                tagIn(SELF_MANAGED_TAG_PREFIX + clusters.get(i), List.of("owned", "shared"))));
      }
    }

    statements.add(
        PolicyStatement.Builder.create()
            .sid("NeverModifyOptedOutInstances")
            .effect(Effect.DENY)
            .actions(List.of(MODIFY))
            .resources(List.of(instances))
            .conditions(Map.of("Null", Map.of("aws:ResourceTag/" + config.optOutTagKey(), "false")))
            .build());
    return statements;
  }

  /**
   * Allows the modify on instances matching {@code scope}, and only to a hardened result: tokens
   * required, hop limit inside the configuration's envelope, and the endpoint as configured (the
   * EC2 User Guide names these condition keys for ModifyInstanceMetadataOptions). The function
   * sends all three parameters on every call, so whether IAM reads the keys from the request or
   * from the resulting settings, they hold the values being set (docs/iam.md).
   */
  private static PolicyStatement modify(
      String sid,
      String instances,
      RemediatorConfig config,
      Map<String, Map<String, Object>> scope) {
    HopLimitBand envelope = config.imds().envelope();
    Map<String, Map<String, Object>> conditions = new LinkedHashMap<>();
    scope.forEach((operator, keys) -> conditions.put(operator, new LinkedHashMap<>(keys)));
    Map<String, Object> stringEquals =
        conditions.computeIfAbsent("StringEquals", k -> new LinkedHashMap<>());
    stringEquals.put("ec2:MetadataHttpTokens", "required");
    HttpEndpointSetting endpoint = config.imds().httpEndpoint();
    if (endpoint != HttpEndpointSetting.UNCHANGED) {
      stringEquals.put("ec2:MetadataHttpEndpoint", endpoint.name().toLowerCase(Locale.ROOT));
    }
    conditions.put("NumericGreaterThanEquals", Map.of(HOP_LIMIT_KEY, envelope.min()));
    conditions.put("NumericLessThanEquals", Map.of(HOP_LIMIT_KEY, envelope.max()));
    return PolicyStatement.Builder.create()
        .sid(sid)
        .effect(Effect.ALLOW)
        .actions(List.of(MODIFY))
        .resources(List.of(instances))
        .conditions(new LinkedHashMap<>(conditions))
        .build();
  }

  private static Map<String, Map<String, Object>> tagExists(String key) {
    return Map.of("Null", Map.of("aws:ResourceTag/" + key, "false"));
  }

  private static Map<String, Map<String, Object>> tagIn(String key, List<String> values) {
    return Map.of("StringEquals", Map.of("aws:ResourceTag/" + key, values));
  }

  /** The policy's size as IAM counts it: JSON without whitespace. */
  private static int policySize(List<PolicyStatement> statements) {
    ObjectMapper mapper = new ObjectMapper();
    int size = "{\"Version\":\"2012-10-17\",\"Statement\":[]}".length();
    for (PolicyStatement s : statements) {
      try {
        size += mapper.writeValueAsString(s.toStatementJson()).replaceAll("\\s", "").length() + 1;
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("cannot measure an IAM statement", e);
      }
    }
    return size;
  }
}
