package io.github.eksnoderemediator.infra;

import static io.github.eksnoderemediator.infra.TestStacks.idOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.eksnoderemediator.config.ConfigException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * The ENI function's role, read from the synthesized templates: every EC2 write is conditioned on
 * our tags or the node's tags, nothing is allowed on {@code *} but reads, and the two roles share
 * no write action.
 */
class EniPermissionsTest {
  static final String CREATE = "ec2:CreateNetworkInterface";
  static final String ATTACH = "ec2:AttachNetworkInterface";
  static final String DETACH = "ec2:DetachNetworkInterface";
  static final String MODIFY = "ec2:ModifyNetworkInterfaceAttribute";
  static final String DELETE = "ec2:DeleteNetworkInterface";
  static final String OWNERSHIP = "aws:ResourceTag/eks-node-remediator/eni-profile";

  static final Set<String> ENI_WRITES = Set.of(CREATE, ATTACH, DETACH, MODIFY, DELETE);

  static final Pattern READ_ONLY = Pattern.compile("[a-z0-9-]+:(Describe|Get|List)[A-Za-z]*");

  // ---- both roles ------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"eni", "eniClusters"})
  void eniRole_isAssumedByLambdaOnly_andNoRoleHasAnAwsManagedPolicy(String stack) {
    Template template = TestStacks.named(stack).assertions();

    template.templateMatches(
        TestStacks.resourceLike(
            idOf(template, "AWS::IAM::Role", "EniPermissions"),
            "AWS::IAM::Role",
            Map.of(
                "AssumeRolePolicyDocument",
                Map.of(
                    "Statement",
                    List.of(Map.of("Principal", Map.of("Service", "lambda.amazonaws.com")))))));
    for (String role : TestStacks.remediatorIds(template, "AWS::IAM::Role")) {
      template.templateMatches(
          TestStacks.resourceLike(
              role, "AWS::IAM::Role", Map.of("ManagedPolicyArns", Match.absent())));
    }
    ImdsPermissionsTest.assertOnlySecurityHubManagedPolicy(template, true);
    PermissionsCheckTest.assertOnlyTheTriggerProviderHasAManagedPolicy(template);
  }

  @ParameterizedTest
  @ValueSource(strings = {"eni", "eniClusters"})
  void eniRole_neverUsesWildcardActions_norAllowsWritesOnStar(String stack) {
    for (JsonNode s :
        TestStacks.roleStatements(TestStacks.named(stack).assertions(), "EniPermissions")) {
      for (String action : ImdsPermissionsTest.actions(s)) {
        assertThat(action).as("action in %s", s).doesNotContain("*");
      }
      if (isAllow(s) && ImdsPermissionsTest.resourcesOf(s).contains("*")) {
        assertThat(ImdsPermissionsTest.actions(s))
            .as("Allow on * in %s", s)
            .allMatch(a -> READ_ONLY.matcher(a).matches());
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"eni", "eniClusters"})
  void everyEc2WriteOfTheEniRole_isConditionedOnTags_orIsCreateOnSubnetsAndGroups(String stack) {
    List<JsonNode> writes =
        TestStacks.roleStatements(TestStacks.named(stack).assertions(), "EniPermissions").stream()
            .filter(EniPermissionsTest::isAllow)
            .filter(
                s ->
                    ImdsPermissionsTest.actions(s).stream()
                        .anyMatch(a -> a.startsWith("ec2:") && !READ_ONLY.matcher(a).matches()))
            .toList();

    assertThat(writes).isNotEmpty();
    for (JsonNode s : writes) {
      List<String> actions = ImdsPermissionsTest.actions(s);
      String resources = s.get("Resource").toString();
      if (actions.equals(List.of(CREATE))
          && !resources.contains("network-interface/")
          && !resources.contains("instance/")) {
        // The subnet and security groups a create uses: see the dedicated tests below.
        assertThat(resources).as("%s", s).containsAnyOf(":subnet/", ":security-group/");
        assertThat(resources).as("%s", s).doesNotContain("\"*\"");
      } else if (actions.equals(List.of("ec2:CreateTags"))) {
        assertThat(s.at("/Condition/StringEquals/ec2:CreateAction").asText())
            .isEqualTo("CreateNetworkInterface");
        assertThat(resources).endsWith(":network-interface/*\"]]}");
      } else {
        assertThat(tagKeys(s.get("Condition")))
            .as("tag condition in %s", s)
            .anyMatch(k -> k.startsWith("aws:ResourceTag/") || k.startsWith("aws:RequestTag/"));
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"eni", "eniClusters"})
  void eniRole_cannotTouchMetadataOptions(String stack) {
    assertThat(TestStacks.roleStatements(TestStacks.named(stack).assertions(), "EniPermissions"))
        .allSatisfy(
            s ->
                assertThat(ImdsPermissionsTest.actions(s))
                    .doesNotContain(ImdsPermissionsTest.MODIFY));
  }

  @ParameterizedTest
  @ValueSource(strings = {"defaults", "clusters", "eni", "eniClusters"})
  void imdsRole_getsNoEniActionAndNoOtherWrite(String stack) {
    List<JsonNode> imds =
        TestStacks.roleStatements(TestStacks.named(stack).assertions(), "ImdsPermissions");

    assertThat(imds).isNotEmpty();
    for (JsonNode s : imds) {
      assertThat(ImdsPermissionsTest.actions(s))
          .as("%s", s)
          .doesNotContainAnyElementsOf(ENI_WRITES)
          .doesNotContain("ec2:CreateTags")
          .allMatch(
              a ->
                  a.equals("ec2:DescribeInstances")
                      || a.equals(ImdsPermissionsTest.MODIFY)
                      || ImdsPermissionsTest.READ_ONLY.matcher(a).matches()
                      || a.startsWith("logs:")
                      || a.startsWith("sqs:")
                      // The sweep's cleanup of leaked canaries, under canary-tag conditions
                      // (ImdsRoleEvaluationTest evaluates them).
                      || (a.equals("ec2:TerminateInstances")
                          && "TerminateLeakedCanaries".equals(s.path("Sid").asText())));
    }
  }

  // ---- statement by statement --------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"eni", "eniClusters"})
  void describes_areTheFiveReadsTheFunctionMakes_onStar_withoutCondition(String stack) {
    JsonNode s = bySid(stack, "DescribeForInterfaces");

    assertThat(ImdsPermissionsTest.actions(s))
        .containsExactlyInAnyOrder(
            "ec2:DescribeInstances",
            "ec2:DescribeInstanceTypes",
            "ec2:DescribeNetworkInterfaces",
            "ec2:DescribeSecurityGroups",
            "ec2:DescribeSubnets");
    assertThat(s.get("Resource").asText()).isEqualTo("*");
    assertThat(s.has("Condition")).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"eni", "eniClusters"})
  void create_onInterfaces_requiresOurOwnershipTagAndTheCnisNoManageTagInTheRequest(String stack)
      throws Exception {
    JsonNode s = bySid(stack, "CreateOwnedInterfaces");

    assertThat(ImdsPermissionsTest.actions(s)).containsExactly(CREATE);
    assertThat(s.get("Resource")).isEqualTo(arn("network-interface/*"));
    assertThat(s.get("Condition"))
        .isEqualTo(
            TestStacks.JSON.readTree(
                """
                {"Null": {"aws:RequestTag/eks-node-remediator/eni-profile": "false"},
                 "StringEquals": {"aws:RequestTag/node.k8s.amazonaws.com/no_manage": "true"}}
                """));
  }

  @Test
  void create_inSubnets_isLimitedToTheProfilesSubnetIdsAndTagSelectors() throws Exception {
    JsonNode byId = bySid("eni", "CreateInProfileSubnetsById");
    JsonNode byTags = bySid("eni", "CreateInProfileSubnetsByTags1");

    assertThat(ImdsPermissionsTest.actions(byId)).containsExactly(CREATE);
    assertThat(byId.get("Resource"))
        .containsExactly(
            arn("subnet/subnet-0a1a1a1a1a1a1a1a1"), arn("subnet/subnet-0b2b2b2b2b2b2b2b2"));
    assertThat(byId.has("Condition")).isFalse();
    assertThat(ImdsPermissionsTest.actions(byTags)).containsExactly(CREATE);
    assertThat(byTags.get("Resource")).isEqualTo(arn("subnet/*"));
    assertThat(byTags.get("Condition"))
        .isEqualTo(
            TestStacks.JSON.readTree("{\"StringEquals\": {\"aws:ResourceTag/multus\": \"data\"}}"));
    assertThat(sids("eni")).filteredOn(sid -> sid.startsWith("CreateInProfileSubnets")).hasSize(2);
  }

  @Test
  void create_inSubnets_oneStatementPerDistinctSelector_requiringAllItsTags() throws Exception {
    JsonNode byTags = bySid("eniClusters", "CreateInProfileSubnetsByTags1");

    assertThat(sids("eniClusters"))
        .filteredOn(sid -> sid.startsWith("CreateInProfileSubnets"))
        .containsExactly("CreateInProfileSubnetsByTags1");
    assertThat(byTags.get("Resource")).isEqualTo(arn("subnet/*"));
    assertThat(byTags.get("Condition"))
        .isEqualTo(
            TestStacks.JSON.readTree(
                """
                {"StringEquals": {"aws:ResourceTag/plane": "user", "aws:ResourceTag/tier": "data"}}
                """));
  }

  @Test
  void create_withSecurityGroups_allowsEveryGroupOfTheAccount_whenAProfileNamesOneByName() {
    JsonNode s = bySid("eni", "CreateWithProfileSecurityGroups");

    assertThat(ImdsPermissionsTest.actions(s)).containsExactly(CREATE);
    assertThat(s.get("Resource")).isEqualTo(arn("security-group/*"));
    assertThat(s.has("Condition")).isFalse();
  }

  @Test
  void create_withSecurityGroups_listsTheGroups_whenEveryProfileGivesIds() {
    JsonNode s = bySid("eniClusters", "CreateWithProfileSecurityGroups");

    assertThat(s.get("Resource"))
        .containsExactly(
            arn("security-group/sg-0a0a0a0a0a0a0a0a0"),
            arn("security-group/sg-0b0b0b0b0b0b0b0b0"),
            arn("security-group/sg-0c0c0c0c0c0c0c0c0"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"eni", "eniClusters"})
  void createTags_onlyAsPartOfCreateNetworkInterface(String stack) throws Exception {
    JsonNode s = bySid(stack, "TagInterfacesAtCreation");

    assertThat(ImdsPermissionsTest.actions(s)).containsExactly("ec2:CreateTags");
    assertThat(s.get("Resource")).isEqualTo(arn("network-interface/*"));
    assertThat(s.get("Condition"))
        .isEqualTo(
            TestStacks.JSON.readTree(
                "{\"StringEquals\": {\"ec2:CreateAction\": \"CreateNetworkInterface\"}}"));
    assertThat(TestStacks.roleStatements(TestStacks.named(stack).assertions(), "EniPermissions"))
        .filteredOn(x -> ImdsPermissionsTest.actions(x).contains("ec2:CreateTags"))
        .hasSize(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"eni", "eniClusters"})
  void onInstances_attachDetachAndModify_areScopedLikeTheImdsRolesModify(String stack) {
    Template template = TestStacks.named(stack).assertions();
    List<JsonNode> onInstances =
        TestStacks.roleStatements(template, "EniPermissions").stream()
            .filter(EniPermissionsTest::isAllow)
            .filter(s -> s.get("Resource").equals(ImdsPermissionsTest.INSTANCES))
            .toList();
    List<JsonNode> imdsScopes =
        TestStacks.roleStatements(template, "ImdsPermissions").stream()
            .filter(
                s ->
                    isAllow(s)
                        && ImdsPermissionsTest.actions(s).contains(ImdsPermissionsTest.MODIFY))
            .map(EniPermissionsTest::scopeOf)
            .toList();

    assertThat(onInstances).hasSize(imdsScopes.size());
    assertThat(onInstances.stream().map(EniPermissionsTest::scopeOf).toList())
        .containsExactlyInAnyOrderElementsOf(imdsScopes);
    for (JsonNode s : onInstances) {
      assertThat(s.get("Sid").asText()).startsWith("InterfacesOn");
      assertThat(ImdsPermissionsTest.actions(s)).containsExactlyInAnyOrder(ATTACH, DETACH, MODIFY);
    }
  }

  @Test
  void onInstances_everyCluster_requiresALaunchersClusterTag() {
    assertThat(sids("eni"))
        .contains(
            "InterfacesOnManagedNodeGroupNodes",
            "InterfacesOnKarpenterNodes",
            "InterfacesOnEksctlNodes");
  }

  @Test
  void onInstances_listedClusters_matchEachLaunchersTagForThoseClustersOnly() throws Exception {
    assertThat(bySid("eniClusters", "InterfacesOnManagedNodeGroupNodes").get("Condition"))
        .isEqualTo(
            TestStacks.JSON.readTree(
                "{\"StringEquals\": {\"aws:ResourceTag/eks:cluster-name\": [\"prod\", \"staging\"]}}"));
    assertThat(bySid("eniClusters", "InterfacesOnSelfManagedNodes2").get("Condition"))
        .isEqualTo(
            TestStacks.JSON.readTree(
                """
                {"StringEquals": {"aws:ResourceTag/kubernetes.io/cluster/staging": ["owned", "shared"]}}
                """));
  }

  @ParameterizedTest
  @ValueSource(strings = {"eni", "eniClusters"})
  void onInterfaces_everyWriteRequiresOurOwnershipTag(String stack) throws Exception {
    JsonNode s = bySid(stack, "OwnedInterfacesOnly");

    assertThat(ImdsPermissionsTest.actions(s))
        .containsExactlyInAnyOrder(ATTACH, DETACH, MODIFY, DELETE);
    assertThat(s.get("Resource")).isEqualTo(arn("network-interface/*"));
    assertThat(s.get("Condition"))
        .isEqualTo(TestStacks.JSON.readTree("{\"Null\": {\"" + OWNERSHIP + "\": \"false\"}}"));
    // No other statement allows these on interfaces.
    assertThat(TestStacks.roleStatements(TestStacks.named(stack).assertions(), "EniPermissions"))
        .filteredOn(EniPermissionsTest::isAllow)
        .filteredOn(x -> x.get("Resource").toString().contains("network-interface/"))
        .extracting(x -> x.get("Sid").asText())
        .containsExactlyInAnyOrder(
            "CreateOwnedInterfaces", "TagInterfacesAtCreation", "OwnedInterfacesOnly");
  }

  @Test
  void deny_blocksAttachToOptedOutInstances_butNotTheCleanupsDetach() throws Exception {
    for (Map.Entry<String, String> e :
        Map.of("eni", "eks-node-remediator/opt-out", "eniClusters", "team/skip-remediation")
            .entrySet()) {
      List<JsonNode> denies =
          TestStacks.roleStatements(TestStacks.named(e.getKey()).assertions(), "EniPermissions")
              .stream()
              .filter(s -> "Deny".equals(s.get("Effect").asText()))
              .toList();
      assertThat(denies).hasSize(1);
      JsonNode s = denies.get(0);
      assertThat(ImdsPermissionsTest.actions(s)).containsExactly(ATTACH);
      assertThat(s.get("Resource")).isEqualTo(ImdsPermissionsTest.INSTANCES);
      assertThat(s.get("Condition"))
          .isEqualTo(
              TestStacks.JSON.readTree(
                  "{\"Null\": {\"aws:ResourceTag/" + e.getValue() + "\": \"false\"}}"));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"eni", "eniClusters"})
  void cdkGrants_writeOnlyToTheEniLogGroupAndTheFailureQueue_andConsumeOnlyItsLaunchQueue(
      String stack) {
    Template template = TestStacks.named(stack).assertions();
    JsonNode logGroup = arnOf(idOf(template, "AWS::Logs::LogGroup", "EniLogs"));
    JsonNode queue = arnOf(idOf(template, "AWS::SQS::Queue", "FailuresQueue"));
    JsonNode launchQueue = arnOf(idOf(template, "AWS::SQS::Queue", "EniQueueEvents"));
    List<JsonNode> grants =
        TestStacks.roleStatements(template, "EniPermissions").stream()
            .filter(
                s ->
                    ImdsPermissionsTest.actions(s).stream()
                        .anyMatch(a -> a.startsWith("logs:") || a.startsWith("sqs:")))
            .filter(s -> !PermissionsCheckTest.writesTheChecksLogGroup(s, "EniPermissionsCheck"))
            .toList();

    assertThat(grants).hasSize(3);
    for (JsonNode s : grants) {
      List<String> actions = ImdsPermissionsTest.actions(s);
      if (actions.get(0).startsWith("logs:")) {
        assertThat(actions).containsExactlyInAnyOrder("logs:CreateLogStream", "logs:PutLogEvents");
        assertThat(s.get("Resource")).isEqualTo(logGroup);
      } else if (actions.contains("sqs:ReceiveMessage")) {
        // What the event source mapping needs, granted by CDK: on the launch queue only.
        assertThat(actions)
            .containsExactlyInAnyOrder(
                "sqs:ReceiveMessage",
                "sqs:ChangeMessageVisibility",
                "sqs:GetQueueUrl",
                "sqs:DeleteMessage",
                "sqs:GetQueueAttributes");
        assertThat(s.get("Resource")).isEqualTo(launchQueue);
      } else {
        assertThat(actions).contains("sqs:SendMessage").allMatch(a -> a.startsWith("sqs:"));
        assertThat(s.get("Resource")).isEqualTo(queue);
      }
    }
  }

  @Test
  void policyTooBigForIam_failsSynthWithOneLineNamingTheProfiles() throws Exception {
    // Many clusters and many distinct subnet selectors, still inside Lambda's 4 KB environment.
    String clusters =
        IntStream.rangeClosed(1, 16)
            .mapToObj(i -> "\"c" + i + "\"")
            .collect(Collectors.joining(","));
    String profiles =
        IntStream.rangeClosed(1, 14)
            .mapToObj(
                i ->
                    ("{\"name\":\"p%d\",\"cluster\":\"c1\",\"nodeGroup\":\"g%d\","
                            + "\"subnets\":{\"tags\":{\"%s\":\"%s\"}},"
                            + "\"securityGroups\":{\"ids\":[\"sg-0a1b2c3d\"]},\"deviceIndex\":1}")
                        .formatted(i, i, "k".repeat(50) + i, "v".repeat(50)))
            .collect(Collectors.joining(","));
    App app =
        App.Builder.create()
            .context(
                Map.of(
                    AppSettings.REMEDIATOR_KEY,
                    TestStacks.read(
                        "{\"clusters\": ["
                            + clusters
                            + "], \"eni\": {\"profiles\": ["
                            + profiles
                            + "]}}")))
            .outdir(
                TestStacks.deletedAtExit(Files.createTempDirectory("remediator-eni-too-big"))
                    .toString())
            .build();

    assertThatThrownBy(() -> RemediatorApp.stack(app, "TooBig", TestStacks.stubCode()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(
            "cdk.json context \"remediator\" eni.profiles: the ENI role's policy would be about")
        .hasMessageContaining("10,240")
        .hasMessageNotContaining("\n");
  }

  // ---- helpers ------------------------------------------------------------------------------

  /** {@code {"Fn::GetAtt": [id, "Arn"]}} as JSON, to compare with a statement's Resource. */
  private static JsonNode arnOf(String logicalId) {
    return TestStacks.JSON.valueToTree(TestStacks.getAttOf(logicalId, "Arn"));
  }

  private static JsonNode bySid(String stack, String sid) {
    List<JsonNode> found =
        TestStacks.roleStatements(TestStacks.named(stack).assertions(), "EniPermissions").stream()
            .filter(s -> sid.equals(s.path("Sid").asText()))
            .toList();
    assertThat(found).as("statement %s in %s", sid, stack).hasSize(1);
    return found.get(0);
  }

  private static List<String> sids(String stack) {
    return TestStacks.roleStatements(TestStacks.named(stack).assertions(), "EniPermissions")
        .stream()
        .map(s -> s.path("Sid").asText())
        .toList();
  }

  private static boolean isAllow(JsonNode statement) {
    return "Allow".equals(statement.get("Effect").asText());
  }

  /** {@code arn:<partition>:ec2:<region>:<account>:<suffix>} as CDK writes it. */
  private static JsonNode arn(String suffix) {
    return TestStacks.JSON.valueToTree(
        TestStacks.read(
            """
            {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":ec2:", {"Ref": "AWS::Region"}, ":",
                               {"Ref": "AWS::AccountId"}, ":%s"]]}
            """
                .formatted(suffix)));
  }

  /** Every key any condition operator of the block tests. */
  private static List<String> tagKeys(JsonNode condition) {
    List<String> keys = new ArrayList<>();
    if (condition != null) {
      condition.properties().forEach(op -> op.getValue().fieldNames().forEachRemaining(keys::add));
    }
    return keys;
  }

  /** The instance-tag part of a condition block: what decides which nodes are in scope. */
  private static JsonNode scopeOf(JsonNode statement) {
    var scope = TestStacks.JSON.createObjectNode();
    statement
        .get("Condition")
        .properties()
        .forEach(
            op -> {
              var keys = TestStacks.JSON.createObjectNode();
              op.getValue()
                  .properties()
                  .forEach(
                      k -> {
                        if (k.getKey().startsWith("aws:ResourceTag/")) {
                          keys.set(k.getKey(), k.getValue());
                        }
                      });
              if (!keys.isEmpty()) {
                scope.set(op.getKey(), keys);
              }
            });
    return scope;
  }
}
