package io.github.eksnoderemediator.infra.constructs;

import io.github.eksnoderemediator.config.ConfigException;
import io.github.eksnoderemediator.config.EniProfile;
import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.eni.EniTags;
import io.github.eksnoderemediator.infra.AppSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.iam.PolicyDocument;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.constructs.Construct;

/**
 * The ENI function's own role. It may read instances, interfaces, subnets, security groups and
 * instance types; create an interface only in the profiles' subnets and only with our ownership tag
 * and the VPC CNI's hands-off tag in the request; attach interfaces only to EKS nodes in scope that
 * have not opted out, detach them only from EKS nodes in scope, and in both cases only interfaces
 * carrying our ownership tag; and modify or delete only interfaces carrying that tag. It has no
 * metadata-options permission, and the IMDS role has none of these. docs/iam.md explains every
 * statement.
 */
public final class EniPermissions extends Construct {
  /** Written by the function on every interface it creates: what makes an interface ours. */
  static final String OWNERSHIP_TAG = EniTags.PROFILE;

  /** The VPC CNI leaves interfaces carrying this tag with value {@code true} alone. */
  static final String NO_MANAGE_TAG = EniTags.NO_MANAGE;

  static final String CREATE = "ec2:CreateNetworkInterface";
  static final String ATTACH = "ec2:AttachNetworkInterface";
  static final String DETACH = "ec2:DetachNetworkInterface";
  static final String MODIFY = "ec2:ModifyNetworkInterfaceAttribute";
  static final String DELETE = "ec2:DeleteNetworkInterface";

  static final List<String> DESCRIBE =
      List.of(
          "ec2:DescribeInstanceTypes",
          "ec2:DescribeInstances",
          "ec2:DescribeNetworkInterfaces",
          "ec2:DescribeSecurityGroups",
          "ec2:DescribeSubnets");

  private final Role role;

  public EniPermissions(Construct scope, String id, RemediatorConfig config) {
    super(scope, id);
    if (config.eni().profiles().isEmpty()) {
      throw new IllegalArgumentException("the ENI role is only built when there are profiles");
    }
    int size = PolicySize.of(statements(config, PolicySize.LONGEST_ARN_PREFIX));
    if (size > PolicySize.BUDGET) {
      throw new ConfigException(
          AppSettings.REMEDIATOR_WHERE + " eni.profiles",
          "the ENI role's policy would be about "
              + size
              + " characters (one statement per listed cluster and per distinct subnet tag"
              + " selector); IAM allows 10,240 for all inline policies of a role, so list fewer"
              + " clusters or let profiles share subnet selectors (docs/iam.md)");
    }
    String arnPrefix = "arn:" + Aws.PARTITION + ":ec2:" + Aws.REGION + ":" + Aws.ACCOUNT_ID + ":";
    this.role =
        Role.Builder.create(this, "Role")
            .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
            .description(
                "EKS Node Remediator ENI function: creates, attaches and deletes its own secondary"
                    + " interfaces on EKS nodes")
            .inlinePolicies(
                Map.of(
                    "SecondaryInterfaces",
                    PolicyDocument.Builder.create()
                        .statements(statements(config, arnPrefix))
                        .build()))
            .build();
    NagReasons.eniRole(this);
  }

  public IRole role() {
    return role;
  }

  /**
   * @param arnPrefix {@code arn:<partition>:ec2:<region>:<account>:}
   */
  static List<PolicyStatement> statements(RemediatorConfig config, String arnPrefix) {
    String instances = arnPrefix + "instance/*";
    String interfaces = arnPrefix + "network-interface/*";
    List<PolicyStatement> statements = new ArrayList<>();

    // None of these actions supports resource-level permissions or resource conditions: "*" is the
    // only resource IAM accepts for them (Service Authorization Reference, EC2). Read-only.
    statements.add(allow("DescribeForInterfaces", DESCRIBE, List.of("*"), Map.of()));

    // The interface being created has no tags yet, so the request's tags are what IAM can test:
    // our ownership tag must be there, and the VPC CNI's hands-off tag must say true.
    Map<String, Object> requestTags = new LinkedHashMap<>();
    requestTags.put("Null", Map.of("aws:RequestTag/" + OWNERSHIP_TAG, "false"));
    requestTags.put(
        "StringEquals", Map.of("aws:RequestTag/" + NO_MANAGE_TAG, EniTags.NO_MANAGE_VALUE));
    statements.add(
        allow("CreateOwnedInterfaces", List.of(CREATE), List.of(interfaces), requestTags));
    statements.addAll(createInSubnets(config, arnPrefix));
    statements.add(createWithSecurityGroups(config, arnPrefix));
    // Tags given in CreateNetworkInterface's TagSpecifications are authorized as ec2:CreateTags;
    // this allows exactly that, never tagging an existing resource.
    statements.add(
        allow(
            "TagInterfacesAtCreation",
            List.of("ec2:CreateTags"),
            List.of(interfaces),
            Map.of("StringEquals", Map.of("ec2:CreateAction", "CreateNetworkInterface"))));

    // Attach and detach need the instance too; ModifyNetworkInterfaceAttribute may involve it
    // (an attachment's DeleteOnTermination). The instance must be an EKS node in scope, by the
    // same tags as the IMDS role.
    for (NodeTagScope.Scope scope : NodeTagScope.of(config)) {
      statements.add(
          allow(
              "InterfacesOn" + scope.name(),
              List.of(ATTACH, DETACH, MODIFY),
              List.of(instances),
              new LinkedHashMap<>(scope.condition())));
    }
    // Every write on an existing interface: only on interfaces we created.
    statements.add(
        allow(
            "OwnedInterfacesOnly",
            List.of(ATTACH, DETACH, MODIFY, DELETE),
            List.of(interfaces),
            NodeTagScope.tagExists(OWNERSHIP_TAG)));

    // Like the IMDS role: nothing is added to an instance that carries the opt-out tag. Detaching
    // stays allowed, so that the interfaces of ours on such an instance can still be cleaned up
    // when it goes away (EniCleanup applies no scope rules).
    statements.add(
        PolicyStatement.Builder.create()
            .sid("NeverAttachToOptedOutInstances")
            .effect(Effect.DENY)
            .actions(List.of(ATTACH))
            .resources(List.of(instances))
            .conditions(NodeTagScope.tagExists(config.optOutTagKey()))
            .build());
    return statements;
  }

  /**
   * CreateNetworkInterface also authorizes the subnet. Exactly the profiles' subnets: those named
   * by id, and those carrying all the tags of a profile's tag selector. The function resolves
   * selectors within the instance's VPC, which IAM cannot know (no VPC is configured), so the tag
   * statements allow such subnets in any VPC of the account.
   */
  private static List<PolicyStatement> createInSubnets(RemediatorConfig config, String arnPrefix) {
    Set<String> ids = new TreeSet<>();
    Set<Map<String, String>> selectors = new LinkedHashSet<>();
    for (EniProfile p : config.eni().profiles()) {
      ids.addAll(p.subnets().ids());
      if (!p.subnets().tags().isEmpty()) {
        selectors.add(new TreeMap<>(p.subnets().tags()));
      }
    }
    List<PolicyStatement> statements = new ArrayList<>();
    if (!ids.isEmpty()) {
      statements.add(
          allow(
              "CreateInProfileSubnetsById",
              List.of(CREATE),
              ids.stream().map(i -> arnPrefix + "subnet/" + i).toList(),
              Map.of()));
    }
    int n = 0;
    for (Map<String, String> selector : selectors) {
      Map<String, Object> tags = new LinkedHashMap<>();
      selector.forEach((k, v) -> tags.put("aws:ResourceTag/" + k, v));
      n++;
      statements.add(
          allow(
              "CreateInProfileSubnetsByTags" + n,
              List.of(CREATE),
              List.of(arnPrefix + "subnet/*"),
              Map.of("StringEquals", tags)));
    }
    return statements;
  }

  /**
   * CreateNetworkInterface also authorizes each security group it is given. Groups named by id are
   * listed; IAM has no condition key for a group's name, so as soon as one profile names a group by
   * name the statement allows every security group of the account.
   */
  private static PolicyStatement createWithSecurityGroups(
      RemediatorConfig config, String arnPrefix) {
    boolean byName = false;
    Set<String> ids = new TreeSet<>();
    for (EniProfile p : config.eni().profiles()) {
      ids.addAll(p.securityGroups().ids());
      byName |= !p.securityGroups().names().isEmpty();
    }
    List<String> resources =
        byName
            ? List.of(arnPrefix + "security-group/*")
            : ids.stream().map(i -> arnPrefix + "security-group/" + i).toList();
    return allow("CreateWithProfileSecurityGroups", List.of(CREATE), resources, Map.of());
  }

  private static PolicyStatement allow(
      String sid, List<String> actions, List<String> resources, Map<String, ?> conditions) {
    PolicyStatement.Builder b =
        PolicyStatement.Builder.create()
            .sid(sid)
            .effect(Effect.ALLOW)
            .actions(actions)
            .resources(resources);
    if (!conditions.isEmpty()) {
      b.conditions(new LinkedHashMap<>(conditions));
    }
    return b.build();
  }
}
