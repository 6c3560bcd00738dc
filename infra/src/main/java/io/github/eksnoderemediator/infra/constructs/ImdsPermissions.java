package io.github.eksnoderemediator.infra.constructs;

import io.github.eksnoderemediator.canary.Canary;
import io.github.eksnoderemediator.config.ConfigException;
import io.github.eksnoderemediator.config.HopLimitBand;
import io.github.eksnoderemediator.config.HttpEndpointSetting;
import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.infra.AppSettings;
import io.github.eksnoderemediator.node.NodeTags;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.iam.PolicyDocument;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.constructs.Construct;

/**
 * The IMDS function's role: it may describe instances and change the metadata options of EKS nodes
 * in scope (by their tags), never of an instance that carries the opt-out tag, and never to a value
 * the configuration cannot ask for wherever EC2 tells IAM the value being set. No AWS managed
 * policy: the function's log and failure-queue grants are added by the constructs that own those
 * resources. docs/iam.md explains every statement and what holds under each reading of EC2's
 * condition keys.
 */
public final class ImdsPermissions extends Construct {
  static final String MODIFY = "ec2:ModifyInstanceMetadataOptions";
  static final String ATTRIBUTE_KEY_PREFIX = "ec2:Attribute/";

  /** The ModifyInstanceMetadataOptions parameters the function never sends. */
  static final List<String> NOT_OURS = List.of("InstanceMetadataTags", "HttpProtocolIpv6");

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
    if (config.securityHub().updateFindings()) {
      // A managed policy of its own: its 6,144 characters do not count against the 10,240 that
      // the role's inline policies share with the per-cluster Modify statements.
      ManagedPolicy.Builder.create(this, "SecurityHubFindings")
          .description(
              "EKS Node Remediator IMDS function: resolve the EC2.8 findings of nodes it hardened")
          .statements(
              securityHubStatements(
                  "arn:"
                      + Aws.PARTITION
                      + ":securityhub:"
                      + Aws.REGION
                      + ":"
                      + Aws.ACCOUNT_ID
                      + ":hub/default"))
          .roles(List.of(role))
          .build();
    }
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

    // One statement per way of recognising a node; NodeTagScope explains the two modes. Scoped by
    // the instance's tags only: no Allow depends on a value key, because AWS does not document
    // what ec2:MetadataHttp* hold for this action (on ~50 other actions they can only be the
    // instance's current settings), and an Allow on a key EC2 does not supply refuses every call.
    for (NodeTagScope.Scope scope : NodeTagScope.of(config)) {
      statements.add(
          PolicyStatement.Builder.create()
              .sid("Modify" + scope.name())
              .effect(Effect.ALLOW)
              .actions(List.of(MODIFY))
              .resources(List.of(instances))
              .conditions(new LinkedHashMap<>(scope.condition()))
              .build());
    }

    // The sweep terminates end-to-end canary instances a crashed canary left behind (an hour
    // old): only instances carrying both the canary tag and the canary's own node group.
    Map<String, Object> canary = new LinkedHashMap<>();
    canary.put("aws:ResourceTag/" + Canary.CANARY_TAG, "true");
    canary.put("aws:ResourceTag/" + NodeTags.MANAGED_NODE_GROUP, Canary.NODE_GROUP);
    statements.add(
        PolicyStatement.Builder.create()
            .sid("TerminateLeakedCanaries")
            .effect(Effect.ALLOW)
            .actions(List.of("ec2:TerminateInstances"))
            .resources(List.of(instances))
            .conditions(Map.of("StringEquals", canary))
            .build());

    statements.add(
        PolicyStatement.Builder.create()
            .sid("NeverModifyOptedOutInstances")
            .effect(Effect.DENY)
            .actions(List.of(MODIFY))
            .resources(List.of(instances))
            .conditions(NodeTagScope.tagExists(config.optOutTagKey()))
            .build());

    // The hardening guarantee: explicit denies on the values being set, ec2:Attribute/<Parameter>
    // (EC2's key for "an attribute being set", which the EC2 User Guide's "Deny opt-out of IMDSv2"
    // example uses on this action). Each is guarded by Null so it is inert when EC2 supplies no
    // such key: a negated operator on a missing key matches, and would refuse every hardening.
    // StringNotEquals over strings, because the reference types the key as String: a hop limit
    // compares the same whether it arrives as "2" or 2.
    statements.add(
        denyAttribute(
            "NeverSetTokensOtherThanRequired", instances, "HttpTokens", List.of("required")));
    HopLimitBand envelope = config.imds().envelope();
    statements.add(
        denyAttribute(
            "NeverSetHopLimitOutsideEnvelope",
            instances,
            "HttpPutResponseHopLimit",
            IntStream.rangeClosed(envelope.min(), envelope.max())
                .mapToObj(String::valueOf)
                .toList()));
    HttpEndpointSetting endpoint = config.imds().httpEndpoint();
    if (endpoint != HttpEndpointSetting.UNCHANGED) {
      statements.add(
          denyAttribute(
              "NeverSetEndpointOtherThanConfigured",
              instances,
              "HttpEndpoint",
              List.of(endpoint.name().toLowerCase(Locale.ROOT))));
    }
    // Fields the function does not own are never changed: a request that sets one at all is
    // refused (one statement each: the keys of one condition block must all match).
    for (String notOurs : NOT_OURS) {
      statements.add(denyAttribute("NeverSet" + notOurs, instances, notOurs, List.of()));
    }
    return statements;
  }

  static final String GET_FINDINGS = "securityhub:GetFindings";
  static final String LIST_MEMBERS = "securityhub:ListMembers";
  static final String BATCH_UPDATE_FINDINGS = "securityhub:BatchUpdateFindings";
  static final String ASFF_KEY_PREFIX = "securityhub:ASFFSyntaxPath/";

  /**
   * Every field BatchUpdateFindings can set that the function never sets, each written both as the
   * field and as its members: the Security Hub User Guide names keys by "the ASFF field" with
   * {@code Workflow.Status} as its example, and AWS's own managed policy
   * (AWSSystemsManagerOpsDataSyncServiceRolePolicy) denies {@code Confidence}, {@code Note.Text}
   * and {@code UserDefinedFields.key} alike, so which level carries the key is not documented.
   */
  static final List<String> FINDING_FIELDS_NOT_OURS =
      List.of(
          "Confidence",
          "Criticality",
          "VerificationState",
          "Types",
          "RelatedFindings",
          "RelatedFindings.Id",
          "RelatedFindings.ProductArn",
          "Severity",
          "Severity.Label",
          "Severity.Normalized",
          "Severity.Product",
          "UserDefinedFields",
          "UserDefinedFields.key",
          "UserDefinedFields.value");

  /** The only workflow status the function sets. */
  static final String RESOLVED = "RESOLVED";

  /** Who the function's notes say wrote them (FindingsGateway.NOTE_AUTHOR in the function). */
  static final String NOTE_AUTHOR = "eks-node-remediator";

  /**
   * Security Hub: read findings, and set only {@code Workflow.Status = RESOLVED} and a note signed
   * by the function, on this account and Region's hub. docs/security-hub.md explains each statement
   * and what holds under each reading of {@code securityhub:ASFFSyntaxPath/*}.
   */
  static List<PolicyStatement> securityHubStatements(String hub) {
    List<PolicyStatement> statements = new ArrayList<>();
    statements.add(
        PolicyStatement.Builder.create()
            .sid("ReadFindingsOfHardenedNodes")
            .effect(Effect.ALLOW)
            .actions(List.of(GET_FINDINGS))
            .resources(List.of(hub))
            .build());
    // IAM cannot keep BatchUpdateFindings to EC2.8 findings, nor to this account's: in a Security
    // Hub administrator account the function asks ListMembers first and, unless allowed, updates
    // nothing there (docs/security-hub.md).
    statements.add(
        PolicyStatement.Builder.create()
            .sid("SeeWhetherThisAccountAdministersMembers")
            .effect(Effect.ALLOW)
            .actions(List.of(LIST_MEMBERS))
            .resources(List.of(hub))
            .build());
    // The Allow depends on one documented reading: the key Workflow.Status carries the status a
    // request sets (the User Guide's "Disallowing specific field values" example). Under any other
    // reading it matches nothing and every update is refused: the feature fails closed.
    statements.add(
        PolicyStatement.Builder.create()
            .sid("ResolveFindingsOfHardenedNodes")
            .effect(Effect.ALLOW)
            .actions(List.of(BATCH_UPDATE_FINDINGS))
            .resources(List.of(hub))
            .conditions(
                Map.of("StringEquals", Map.of(ASFF_KEY_PREFIX + "Workflow.Status", RESOLVED)))
            .build());
    statements.add(
        denyFindingField(
            "NeverSetWorkflowOtherThanResolved", hub, "Workflow.Status", List.of(RESOLVED)));
    statements.add(
        denyFindingField(
            "NeverSignNotesAsAnyoneElse", hub, "Note.UpdatedBy", List.of(NOTE_AUTHOR)));
    for (String field : FINDING_FIELDS_NOT_OURS) {
      statements.add(denyFindingField("NeverSet" + field.replace(".", ""), hub, field, List.of()));
    }
    return statements;
  }

  /**
   * Denies BatchUpdateFindings when the request sets {@code field} to anything but {@code allowed};
   * with {@code allowed} empty, whenever it sets it. Guarded by Null, so inert when Security Hub
   * supplies no such key (the User Guide's "Disallowing all updates to a field" form).
   */
  private static PolicyStatement denyFindingField(
      String sid, String hub, String field, List<String> allowed) {
    String key = ASFF_KEY_PREFIX + field;
    Map<String, Object> conditions = new LinkedHashMap<>();
    conditions.put("Null", Map.of(key, "false"));
    if (!allowed.isEmpty()) {
      conditions.put("StringNotEquals", Map.of(key, allowed.get(0)));
    }
    return PolicyStatement.Builder.create()
        .sid(sid)
        .effect(Effect.DENY)
        .actions(List.of(BATCH_UPDATE_FINDINGS))
        .resources(List.of(hub))
        .conditions(conditions)
        .build();
  }

  /**
   * Denies the modify when the request sets {@code parameter} ({@code ec2:Attribute/<parameter>} is
   * present) to anything but {@code allowed}; with {@code allowed} empty, whenever it sets it.
   */
  private static PolicyStatement denyAttribute(
      String sid, String instances, String parameter, List<String> allowed) {
    String key = ATTRIBUTE_KEY_PREFIX + parameter;
    Map<String, Object> conditions = new LinkedHashMap<>();
    conditions.put("Null", Map.of(key, "false"));
    if (!allowed.isEmpty()) {
      conditions.put(
          "StringNotEquals", Map.of(key, allowed.size() == 1 ? allowed.get(0) : allowed));
    }
    return PolicyStatement.Builder.create()
        .sid(sid)
        .effect(Effect.DENY)
        .actions(List.of(MODIFY))
        .resources(List.of(instances))
        .conditions(conditions)
        .build();
  }

  /** An EKS ARN in the same partition, Region and account as {@code instances}. */
  private static String eksArn(String instances, String resource) {
    return instances.replace(":ec2:", ":eks:").replace("instance/*", resource);
  }
}
