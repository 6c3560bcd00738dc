package io.github.eksnoderemediator.infra.org;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.eksnoderemediator.config.ConfigException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** The organization app's stacks, on CDK's assertions: the StackSets and the artifact buckets. */
class OrganizationAppTest {

  private static Template stackSets() {
    return OrgStacks.shared().template(OrganizationApp.STACK_SETS_STACK);
  }

  @Test
  void synth_addsOneArtifactStackPerRegion_andTheStackSetsStackInTheHomeRegion() {
    OrgStacks.Synthesized s = OrgStacks.shared();

    assertThat(s.templates().keySet())
        .containsExactlyInAnyOrder(
            "EksNodeRemediatorArtifacts-eu-west-1",
            "EksNodeRemediatorArtifacts-us-east-1",
            OrganizationApp.STACK_SETS_STACK);
    assertThat(s.stacks().stackSets().orElseThrow().getRegion()).isEqualTo("eu-west-1");
    assertThat(s.stacks().artifacts().stream().map(a -> a.getRegion()))
        .containsExactly("eu-west-1", "us-east-1");
  }

  @Test
  void baseStackSet_isServiceManaged_autoDeploys_andTargetsTheBaseOusInEveryRegion() {
    stackSets()
        .hasResourceProperties(
            "AWS::CloudFormation::StackSet",
            Map.of(
                "StackSetName", "EksNodeRemediator",
                "PermissionModel", "SERVICE_MANAGED",
                "CallAs", "DELEGATED_ADMIN",
                "AutoDeployment", Map.of("Enabled", true, "RetainStacksOnAccountRemoval", false),
                "ManagedExecution", Map.of("Active", true),
                "OperationPreferences",
                    Map.of(
                        "FailureTolerancePercentage",
                        10,
                        "MaxConcurrentPercentage",
                        50,
                        "RegionConcurrencyType",
                        "SEQUENTIAL",
                        "ConcurrencyMode",
                        "SOFT_FAILURE_TOLERANCE",
                        "RegionOrder",
                        List.of("eu-west-1", "us-east-1")),
                "Capabilities", List.of("CAPABILITY_IAM"),
                "StackInstancesGroup",
                    List.of(
                        Map.of(
                            "DeploymentTargets",
                            Map.of(
                                "OrganizationalUnitIds",
                                List.of("ou-ab12-11111111", "ou-ab12-22222222")),
                            "Regions",
                            List.of("eu-west-1", "us-east-1"))),
                "TemplateBody", Match.anyValue()));
  }

  @Test
  void override_getsAStackSetOfItsOwn_onItsOus_withTheMergedConfiguration() {
    stackSets()
        .hasResourceProperties(
            "AWS::CloudFormation::StackSet",
            Match.objectLike(
                Map.of(
                    "StackSetName",
                    "EksNodeRemediator-Telco",
                    "StackInstancesGroup",
                    List.of(
                        Map.of(
                            "DeploymentTargets",
                            Map.of("OrganizationalUnitIds", List.of("ou-ab12-33333333")),
                            "Regions",
                            List.of("eu-west-1", "us-east-1"))))));
    assertThat(stackSets().findResources("AWS::CloudFormation::StackSet")).hasSize(2);

    JsonNode base = OrgStacks.shared().memberTemplate("EksNodeRemediator");
    JsonNode telco = OrgStacks.shared().memberTemplate("EksNodeRemediator-Telco");
    JsonNode telcoConfig = OrgStacks.tree(config(telco, "ImdsHandler"));
    assertThat(telcoConfig.get("clusters")).isEqualTo(OrgStacks.tree("[\"cnf\"]"));
    assertThat(telcoConfig.at("/eni/profiles/0/name").asText()).isEqualTo("multus-data");
    assertThat(telcoConfig.get("optOutTagKey"))
        .as("fields the override leaves out come from the base")
        .isEqualTo(OrgStacks.tree(config(base, "ImdsHandler")).get("optOutTagKey"));
    assertThat(handlers(telco))
        .contains("io.github.eksnoderemediator.handler.EniHandler::handleRequest");
    assertThat(handlers(base))
        .doesNotContain("io.github.eksnoderemediator.handler.EniHandler::handleRequest");
  }

  @Test
  void artifactBucket_isVersionedPrivateTlsOnly_andReadableByTheOrganizationUnderTheJarPrefix() {
    Template artifacts = OrgStacks.shared().template("EksNodeRemediatorArtifacts-us-east-1");

    artifacts.hasResource(
        "AWS::S3::Bucket",
        Map.of(
            "DeletionPolicy",
            "Retain",
            "Properties",
            Map.of(
                "BucketName", "acme-eks-node-remediator-us-east-1",
                "VersioningConfiguration", Map.of("Status", "Enabled"),
                "PublicAccessBlockConfiguration",
                    Map.of(
                        "BlockPublicAcls", true,
                        "BlockPublicPolicy", true,
                        "IgnorePublicAcls", true,
                        "RestrictPublicBuckets", true),
                "BucketEncryption",
                    Map.of(
                        "ServerSideEncryptionConfiguration",
                        List.of(
                            Map.of(
                                "ServerSideEncryptionByDefault",
                                Map.of("SSEAlgorithm", "AES256")))),
                "OwnershipControls",
                    Map.of("Rules", List.of(Map.of("ObjectOwnership", "BucketOwnerEnforced"))))));
    artifacts.hasResourceProperties(
        "AWS::S3::BucketPolicy",
        Map.of(
            "PolicyDocument",
            Map.of(
                "Statement",
                Match.arrayWith(
                    List.of(
                        Match.objectLike(
                            Map.of(
                                "Effect", "Deny",
                                "Action", "s3:*",
                                "Condition",
                                    Map.of("Bool", Map.of("aws:SecureTransport", "false")))),
                        Map.of(
                            "Sid", "OrganizationReadsFunctionJars",
                            "Effect", "Allow",
                            "Principal", Map.of("AWS", "*"),
                            "Action", List.of("s3:GetObject", "s3:GetObjectVersion"),
                            "Resource",
                                Map.of(
                                    "Fn::Join",
                                    List.of(
                                        "",
                                        List.of(
                                            Map.of(
                                                "Fn::GetAtt", List.of(bucketId(artifacts), "Arn")),
                                            "/eks-node-remediator/*"))),
                            "Condition",
                                Map.of(
                                    "StringEquals",
                                    Map.of("aws:PrincipalOrgID", "o-a1b2c3d4e5"))))))));
    // The organization statement is the only Allow: nothing else is granted to anyone.
    JsonNode statements =
        OrgStacks.JSON
            .valueToTree(artifacts.findResources("AWS::S3::BucketPolicy"))
            .elements()
            .next()
            .at("/Properties/PolicyDocument/Statement");
    assertThat(statements.findValuesAsText("Effect").stream().filter("Allow"::equals)).hasSize(1);
  }

  @Test
  void cdkNag_leavesNoUnexplainedFinding_inAnyOrganizationStack() {
    assertThat(OrgStacks.shared().findings()).isEmpty();
  }

  @Test
  void withoutAFunctionJar_onlyTheArtifactStacksAreSynthesized() {
    ObjectNode organization = (ObjectNode) OrgStacks.tree(OrgStacks.ORGANIZATION);
    organization.remove("functionJar");
    App app =
        App.Builder.create()
            .context(
                Map.of(
                    OrganizationSettings.KEY,
                    OrgStacks.read(organization.toString()),
                    "remediator",
                    OrgStacks.remediatorContext()))
            .build();

    OrganizationApp.Stacks stacks = OrganizationApp.stacks(app);

    assertThat(stacks.stackSets()).isEmpty();
    assertThat(stacks.artifacts()).hasSize(2);
  }

  @Test
  void withoutOrganizationContext_failsNamingIt() {
    App app =
        App.Builder.create().context(Map.of("remediator", OrgStacks.remediatorContext())).build();

    assertThatThrownBy(() -> OrganizationApp.stacks(app))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "cdk.json context \"remediator-organization\" is missing: the organization app needs"
                + " it (docs/organization.md)");
  }

  @Test
  void anOverrideThatBreaksTheConfiguration_failsNamingTheOverrideAndTheField() {
    ObjectNode organization = (ObjectNode) OrgStacks.tree(OrgStacks.ORGANIZATION);
    ((ObjectNode) organization.at("/overrides/0/remediator"))
        .set("imds", OrgStacks.tree("{\"hopLimit\": 70}"));
    App app =
        App.Builder.create()
            .context(
                Map.of(
                    OrganizationSettings.KEY,
                    OrgStacks.read(organization.toString()),
                    "remediator",
                    OrgStacks.remediatorContext()))
            .build();

    assertThatThrownBy(() -> OrganizationApp.stacks(app))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "cdk.json context \"remediator-organization\" overrides[0] (\"Telco\", merged over"
                + " \"remediator\"): cdk.json context \"remediator\" imds.hopLimit: must be an"
                + " integer from 1 to 64, got 70");
  }

  private static String bucketId(Template t) {
    return t.findResources("AWS::S3::Bucket").keySet().iterator().next();
  }

  static List<String> handlers(JsonNode member) {
    return member.path("Resources").findValuesAsText("Handler");
  }

  /** The REMEDIATOR_CONFIG of the function with this handler class. */
  static String config(JsonNode member, String handlerClass) {
    for (JsonNode r : member.path("Resources")) {
      if (r.at("/Properties/Handler").asText().contains("." + handlerClass + "::")) {
        return r.at("/Properties/Environment/Variables/REMEDIATOR_CONFIG").asText();
      }
    }
    throw new AssertionError("no function with handler " + handlerClass);
  }
}
