package io.github.eksnoderemediator.infra.constructs;

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

  private final Role role;

  public ImdsPermissions(Construct scope, String id, RemediatorConfig config) {
    super(scope, id);
    int size = PolicySize.of(statements(config, PolicySize.LONGEST_ARN_PREFIX + "instance/*"));
    if (size > PolicySize.BUDGET) {
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
    NagReasons.imdsRole(this);
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

    // The sweep's drift report reads node groups and launch templates, never writes them.
    statements.add(
        PolicyStatement.Builder.create()
            .sid("ReadLaunchSettingsForDriftReport")
            .effect(Effect.ALLOW)
            .actions(
                List.of(
                    "ec2:DescribeLaunchTemplateVersions",
                    "ec2:GetInstanceMetadataDefaults",
                    "eks:ListClusters"))
            // None of the three supports resource-level permissions.
            .resources(List.of("*"))
            .build());
    // Read only, so not narrowed to the clusters in scope: per-cluster ARNs would cost policy
    // space that the per-cluster Modify statements need (docs/iam.md, "Policy size").
    statements.add(
        PolicyStatement.Builder.create()
            .sid("ReadClustersForDriftReport")
            .effect(Effect.ALLOW)
            .actions(List.of("eks:DescribeCluster", "eks:ListNodegroups", "eks:DescribeNodegroup"))
            .resources(
                List.of(eksArn(instances, "cluster/*"), eksArn(instances, "nodegroup/*/*/*")))
            .build());

    // Before tokens are required on a node that is not new, its MetadataNoToken metric is read
    // (issue 9, docs/brownfield.md). GetMetricData has no resource-level permissions and no
    // condition keys that could narrow it to AWS/EC2: "*" is the only resource IAM accepts.
    statements.add(
        PolicyStatement.Builder.create()
            .sid("ReadImdsV1UseBeforeRequiringTokens")
            .effect(Effect.ALLOW)
            .actions(List.of("cloudwatch:GetMetricData"))
            .resources(List.of("*"))
            .build());

    // One statement per way of recognising a node; NodeTagScope explains the two modes.
    for (NodeTagScope.Scope scope : NodeTagScope.of(config)) {
      statements.add(modify("Modify" + scope.name(), instances, config, scope.condition()));
    }

    statements.add(
        PolicyStatement.Builder.create()
            .sid("NeverModifyOptedOutInstances")
            .effect(Effect.DENY)
            .actions(List.of(MODIFY))
            .resources(List.of(instances))
            .conditions(NodeTagScope.tagExists(config.optOutTagKey()))
            .build());
    return statements;
  }

  /** An EKS ARN in the same partition, Region and account as {@code instances}. */
  private static String eksArn(String instances, String resource) {
    return instances.replace(":ec2:", ":eks:").replace("instance/*", resource);
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
}
