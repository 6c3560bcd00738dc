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
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class ImdsPermissionsTest {
  static final String MODIFY = "ec2:ModifyInstanceMetadataOptions";

  /** Every instance in the stack's account and Region, and nothing else. */
  static final JsonNode INSTANCES =
      TestStacks.JSON.valueToTree(
          TestStacks.read(
              """
              {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":ec2:", {"Ref": "AWS::Region"}, ":",
                                 {"Ref": "AWS::AccountId"}, ":instance/*"]]}
              """));

  static final Pattern READ_ONLY = Pattern.compile("[a-z0-9-]+:(Describe|Get|List)[A-Za-z]*");

  // ---- every stack --------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"defaults", "clusters"})
  void role_isAssumedByLambdaOnly_andHasNoAwsManagedPolicy(String stack) {
    Template template = template(stack);

    template.templateMatches(
        TestStacks.resourceLike(
            idOf(template, "AWS::IAM::Role", "ImdsPermissions"),
            "AWS::IAM::Role",
            Map.of(
                "AssumeRolePolicyDocument",
                Map.of(
                    "Statement",
                    List.of(Map.of("Principal", Map.of("Service", "lambda.amazonaws.com")))),
                "ManagedPolicyArns",
                Match.absent())));
    assertOnlySecurityHubManagedPolicy(template, !stack.equals("clusters"));
  }

  /**
   * The one customer managed policy a stack may hold: the IMDS role's Security Hub statements, when
   * {@code securityHub.updateFindings} is on (a policy of its own so it does not take inline policy
   * space from the per-cluster statements); never an AWS managed one.
   */
  static void assertOnlySecurityHubManagedPolicy(Template template, boolean securityHubOn) {
    var policies = template.findResources("AWS::IAM::ManagedPolicy");
    assertThat(policies).hasSize(securityHubOn ? 1 : 0);
    policies.forEach(
        (id, resource) -> {
          JsonNode policy = TestStacks.JSON.valueToTree(resource);
          assertThat(id).startsWith("ImdsPermissionsSecurityHubFindings");
          assertThat(policy.at("/Properties/Roles/0/Ref").asText())
              .startsWith("ImdsPermissionsRole");
          assertThat(policy.at("/Properties/Roles").size()).isEqualTo(1);
          for (JsonNode st : policy.at("/Properties/PolicyDocument/Statement")) {
            assertThat(actions(st)).allMatch(a -> a.startsWith("securityhub:"));
          }
        });
  }

  @ParameterizedTest
  @ValueSource(strings = {"defaults", "clusters"})
  void role_describesInstancesOnStar_theOnlyResourceTheActionSupports(String stack) {
    List<JsonNode> describe =
        statements(template(stack)).stream()
            .filter(s -> actions(s).contains("ec2:DescribeInstances"))
            .toList();

    assertThat(describe).hasSize(1);
    JsonNode s = describe.get(0);
    assertThat(s.get("Effect").asText()).isEqualTo("Allow");
    assertThat(actions(s)).containsExactly("ec2:DescribeInstances");
    assertThat(s.get("Resource").asText()).isEqualTo("*");
    assertThat(s.has("Condition")).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"defaults", "clusters"})
  void role_readsImdsV1UseWithGetMetricDataOnStar_inItsOwnStatement(String stack) {
    List<JsonNode> read =
        statements(template(stack)).stream()
            .filter(s -> actions(s).contains("cloudwatch:GetMetricData"))
            .toList();

    assertThat(read).hasSize(1);
    JsonNode s = read.get(0);
    assertThat(s.get("Sid").asText()).isEqualTo("ReadImdsV1UseBeforeRequiringTokens");
    assertThat(s.get("Effect").asText()).isEqualTo("Allow");
    assertThat(actions(s)).containsExactly("cloudwatch:GetMetricData");
    assertThat(s.get("Resource").asText()).isEqualTo("*");
    assertThat(s.has("Condition")).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"defaults", "clusters"})
  void role_neverUsesWildcardActions_norAllowsWritesOnStar(String stack) {
    for (JsonNode s : statements(template(stack))) {
      for (String action : actions(s)) {
        assertThat(action).as("action in %s", s).doesNotContain("*");
      }
      if ("Allow".equals(s.get("Effect").asText()) && resourcesOf(s).contains("*")) {
        assertThat(actions(s))
            .as("Allow on * in %s", s)
            .allMatch(a -> READ_ONLY.matcher(a).matches());
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"defaults", "clusters"})
  void everyModifyAllow_isScopedByTheInstancesTagsOnly(String stack) {
    List<JsonNode> modify = modifyAllows(template(stack));

    assertThat(modify).isNotEmpty();
    for (JsonNode s : modify) {
      assertThat(actions(s)).containsExactly(MODIFY);
      assertThat(s.get("Resource")).isEqualTo(INSTANCES);
      List<String> keys = conditionKeys(s.get("Condition"));
      assertThat(keys).as("scope tag condition in %s", s).isNotEmpty();
      // An Allow on a value key EC2 might not supply, or supply as the current setting, would
      // refuse hardening (docs/iam.md, "Three readings"): tags are the only thing it may test.
      assertThat(keys)
          .as("condition keys of %s", s)
          .allMatch(k -> k.startsWith("aws:ResourceTag/"));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"defaults", "clusters", "eni", "eniClusters"})
  void noStatement_testsTheUndocumentedMetadataValueKeys(String stack) {
    // ec2:MetadataHttp* hold, on ~50 EC2 actions, the instance's current settings; for this one it
    // is undocumented. In an Allow they refuse hardening under that reading, in a Deny too.
    for (JsonNode s :
        TestStacks.roleStatements(TestStacks.named(stack).assertions(), "ImdsPermissions")) {
      assertThat(conditionKeys(s.path("Condition")))
          .as("condition keys of %s", s)
          .noneMatch(k -> k.startsWith("ec2:Metadata") || k.equals("ec2:InstanceMetadataTags"));
    }
  }

  @Test
  void modifyAllows_whenClustersEmpty_requireALaunchersClusterTagToExist() {
    List<JsonNode> modify = modifyAllows(TestStacks.defaults().assertions());

    assertThat(modify).hasSize(3);
    assertThat(modify.stream().map(s -> s.get("Condition")).toList())
        .containsExactlyInAnyOrder(
            nullObject("aws:ResourceTag/eks:cluster-name"),
            nullObject("aws:ResourceTag/eks:eks-cluster-name"),
            nullObject("aws:ResourceTag/alpha.eksctl.io/cluster-name"));
  }

  @Test
  void modifyAllows_whenClustersListed_matchEachLaunchersTagForThoseClustersOnly()
      throws Exception {
    List<JsonNode> modify = modifyAllows(TestStacks.clusters().assertions());

    assertThat(modify).hasSize(4);
    assertThat(modify.stream().map(s -> s.get("Condition")).toList())
        .containsExactlyInAnyOrder(
            TestStacks.JSON.readTree(
                "{\"StringEquals\": {\"aws:ResourceTag/eks:cluster-name\": [\"prod\", \"staging\"]}}"),
            TestStacks.JSON.readTree(
                "{\"StringEquals\": {\"aws:ResourceTag/eks:eks-cluster-name\": [\"prod\", \"staging\"]}}"),
            TestStacks.JSON.readTree(
                "{\"StringEquals\": {\"aws:ResourceTag/kubernetes.io/cluster/prod\": [\"owned\", \"shared\"]}}"),
            TestStacks.JSON.readTree(
                "{\"StringEquals\": {\"aws:ResourceTag/kubernetes.io/cluster/staging\": [\"owned\", \"shared\"]}}"));
  }

  @Test
  void valueDenies_byDefault_refuseTokensOtherThanRequired_hopLimitsAbove2_andFieldsNotOurs()
      throws Exception {
    Template template = TestStacks.defaults().assertions();

    assertThat(denies(template).stream().map(s -> s.get("Sid").asText()).toList())
        .containsExactlyInAnyOrder(
            "NeverModifyOptedOutInstances",
            "NeverSetTokensOtherThanRequired",
            "NeverSetHopLimitOutsideEnvelope",
            "NeverSetInstanceMetadataTags",
            "NeverSetHttpProtocolIpv6");
    assertThat(deny(template, "NeverSetTokensOtherThanRequired").get("Condition"))
        .isEqualTo(
            TestStacks.JSON.readTree(
                """
                {"Null": {"ec2:Attribute/HttpTokens": "false"},
                 "StringNotEquals": {"ec2:Attribute/HttpTokens": "required"}}
                """));
    assertThat(deny(template, "NeverSetHopLimitOutsideEnvelope").get("Condition"))
        .isEqualTo(
            TestStacks.JSON.readTree(
                """
                {"Null": {"ec2:Attribute/HttpPutResponseHopLimit": "false"},
                 "StringNotEquals": {"ec2:Attribute/HttpPutResponseHopLimit": ["1", "2"]}}
                """));
    assertThat(deny(template, "NeverSetInstanceMetadataTags").get("Condition"))
        .isEqualTo(nullObject("ec2:Attribute/InstanceMetadataTags"));
    assertThat(deny(template, "NeverSetHttpProtocolIpv6").get("Condition"))
        .isEqualTo(nullObject("ec2:Attribute/HttpProtocolIpv6"));
  }

  @Test
  void hopLimitDeny_allowsTheWholeEnvelope_whenANodePoolIsRaisedTo3_andEndpointDeny_whenConfigured()
      throws Exception {
    Template template = TestStacks.clusters().assertions();

    assertThat(deny(template, "NeverSetHopLimitOutsideEnvelope").at("/Condition/StringNotEquals"))
        .isEqualTo(
            TestStacks.JSON.readTree(
                "{\"ec2:Attribute/HttpPutResponseHopLimit\": [\"1\", \"2\", \"3\"]}"));
    assertThat(deny(template, "NeverSetEndpointOtherThanConfigured").get("Condition"))
        .isEqualTo(
            TestStacks.JSON.readTree(
                """
                {"Null": {"ec2:Attribute/HttpEndpoint": "false"},
                 "StringNotEquals": {"ec2:Attribute/HttpEndpoint": "enabled"}}
                """));
  }

  @ParameterizedTest
  @ValueSource(strings = {"defaults", "clusters"})
  void everyDeny_isOnTheModifyOfInstances_andInertWhenItsKeyIsMissing(String stack) {
    List<JsonNode> denies = denies(template(stack));

    assertThat(denies).hasSizeGreaterThanOrEqualTo(5);
    for (JsonNode s : denies) {
      assertThat(actions(s)).containsExactly(MODIFY);
      assertThat(s.get("Resource")).isEqualTo(INSTANCES);
      // A negated operator matches a missing key: without the Null guard a Deny would refuse every
      // call under a reading where EC2 does not supply the key. Every key a Deny tests must be
      // required present by its Null block.
      JsonNode guard = s.at("/Condition/Null");
      for (String key : conditionKeys(s.get("Condition"))) {
        assertThat(guard.path(key).asText())
            .as("Null guard on %s in %s", key, s)
            .isEqualTo("false");
      }
    }
  }

  @Test
  void deny_blocksModifyOnInstancesWithTheOptOutTag() {
    JsonNode s = deny(TestStacks.defaults().assertions(), "NeverModifyOptedOutInstances");
    assertThat(actions(s)).containsExactly(MODIFY);
    assertThat(s.get("Resource")).isEqualTo(INSTANCES);
    assertThat(s.get("Condition"))
        .isEqualTo(nullObject("aws:ResourceTag/eks-node-remediator/opt-out"));
    assertThat(
            deny(TestStacks.clusters().assertions(), "NeverModifyOptedOutInstances")
                .get("Condition"))
        .isEqualTo(nullObject("aws:ResourceTag/team/skip-remediation"));
  }

  @Test
  void cdkGrants_writeOnlyToTheFunctionsLogGroupAndTheFailureQueue_andConsumeOnlyItsLaunchQueue() {
    Template template = TestStacks.defaults().assertions();
    JsonNode logGroup = arn(idOf(template, "AWS::Logs::LogGroup", "ImdsLogs"));
    JsonNode queue = arn(idOf(template, "AWS::SQS::Queue", "FailuresQueue"));
    JsonNode launchQueue = arn(idOf(template, "AWS::SQS::Queue", "ImdsQueueEvents"));
    List<JsonNode> grants =
        statements(template).stream()
            .filter(
                s ->
                    actions(s).stream()
                        .anyMatch(a -> a.startsWith("logs:") || a.startsWith("sqs:")))
            .filter(s -> !PermissionsCheckTest.writesTheChecksLogGroup(s, "ImdsPermissionsCheck"))
            .toList();

    assertThat(grants).hasSize(3);
    for (JsonNode s : grants) {
      List<String> actions = actions(s);
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
  void policyTooBigForIam_failsSynthWithOneLineNamingClusters() throws Exception {
    List<String> clusters =
        IntStream.rangeClosed(1, 60).mapToObj(i -> "\"cluster-" + i + "\"").toList();
    App app =
        App.Builder.create()
            .context(
                Map.of(
                    AppSettings.REMEDIATOR_KEY,
                    TestStacks.read("{\"clusters\": " + clusters + "}")))
            .outdir(
                TestStacks.deletedAtExit(Files.createTempDirectory("remediator-too-big"))
                    .toString())
            .build();

    assertThatThrownBy(() -> RemediatorApp.stack(app, "TooBig", TestStacks.stubCode()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("cdk.json context \"remediator\" clusters: 60 clusters make")
        .hasMessageContaining("10,240")
        .hasMessageNotContaining("\n");
  }

  // ---- helpers ------------------------------------------------------------------------------

  static Template template(String stack) {
    return "defaults".equals(stack)
        ? TestStacks.defaults().assertions()
        : TestStacks.clusters().assertions();
  }

  /** Every statement the IMDS function's role has: inline in the role and in attached policies. */
  static List<JsonNode> statements(Template template) {
    return TestStacks.roleStatements(template, "ImdsPermissions");
  }

  /** {@code {"Fn::GetAtt": [id, "Arn"]}} as JSON, to compare with a statement's Resource. */
  private static JsonNode arn(String logicalId) {
    return TestStacks.JSON.valueToTree(TestStacks.getAttOf(logicalId, "Arn"));
  }

  static List<JsonNode> modifyAllows(Template template) {
    return statements(template).stream()
        .filter(s -> "Allow".equals(s.get("Effect").asText()) && actions(s).contains(MODIFY))
        .toList();
  }

  static List<JsonNode> denies(Template template) {
    return statements(template).stream()
        .filter(s -> "Deny".equals(s.get("Effect").asText()))
        .toList();
  }

  static List<String> actions(JsonNode statement) {
    return strings(statement.get("Action"));
  }

  static List<String> resourcesOf(JsonNode statement) {
    JsonNode resource = statement.get("Resource");
    return resource.isTextual() || resource.isArray()
        ? strings(resource)
        : List.of(resource.toString());
  }

  private static List<String> strings(JsonNode node) {
    List<String> out = new ArrayList<>();
    if (node.isArray()) {
      node.forEach(n -> out.add(n.isTextual() ? n.asText() : n.toString()));
    } else {
      out.add(node.asText());
    }
    return out;
  }

  /** Every key any condition operator of the block tests. */
  static List<String> conditionKeys(JsonNode condition) {
    List<String> keys = new ArrayList<>();
    if (condition != null) {
      condition.properties().forEach(op -> op.getValue().fieldNames().forEachRemaining(keys::add));
    }
    return keys;
  }

  /** The Deny statement with this Sid. */
  static JsonNode deny(Template template, String sid) {
    List<JsonNode> found =
        denies(template).stream().filter(s -> sid.equals(s.path("Sid").asText())).toList();
    assertThat(found).as("Deny %s", sid).hasSize(1);
    return found.get(0);
  }

  private static JsonNode nullFalse(String key) {
    return TestStacks.JSON.createObjectNode().put(key, "false");
  }

  private static JsonNode nullObject(String key) {
    var node = TestStacks.JSON.createObjectNode();
    node.set("Null", nullFalse(key));
    return node;
  }
}
