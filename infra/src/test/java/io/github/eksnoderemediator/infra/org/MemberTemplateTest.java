package io.github.eksnoderemediator.infra.org;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.eksnoderemediator.infra.AppSettings;
import io.github.eksnoderemediator.infra.RemediatorApp;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.lambda.Code;

/**
 * The member templates (base and override) against what a service-managed StackSet can deploy into
 * every account and Region, read from the TemplateBody the StackSets stack carries.
 */
class MemberTemplateTest {
  static final Pattern ACCOUNT_ID = Pattern.compile("(?<![0-9])[0-9]{12}(?![0-9])");
  static final Pattern REGION_NAME =
      Pattern.compile("\\b(us|eu|ap|sa|ca|me|af|il|mx)-[a-z]+-[0-9]\\b");

  /** Properties that give a resource a physical name; IAM names are account-wide. */
  static final Set<String> IAM_NAMES =
      Set.of("RoleName", "ManagedPolicyName", "InstanceProfileName", "UserName", "GroupName");

  static JsonNode member(String stackSet) {
    return OrgStacks.shared().memberTemplate(stackSet);
  }

  static JsonNode stackSet(String name) {
    for (JsonNode s :
        OrgStacks.JSON.valueToTree(
            OrgStacks.shared()
                .template(OrganizationApp.STACK_SETS_STACK)
                .findResources("AWS::CloudFormation::StackSet"))) {
      if (name.equals(s.at("/Properties/StackSetName").asText())) {
        return s;
      }
    }
    throw new AssertionError("no StackSet " + name);
  }

  @ParameterizedTest
  @ValueSource(strings = {"EksNodeRemediator", "EksNodeRemediator-Telco"})
  void member_isFlat_noNestedStacksNoTransforms(String name) {
    JsonNode t = member(name);
    List<String> types = t.path("Resources").findValuesAsText("Type");

    assertThat(types)
        .isNotEmpty()
        .doesNotContain("AWS::CloudFormation::Stack", "AWS::Serverless::Application");
    assertThat(t.has("Transform")).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"EksNodeRemediator", "EksNodeRemediator-Telco"})
  void member_referencesNoCdkAssetsAndNoBootstrap(String name) throws IOException {
    JsonNode t = member(name);
    String text = OrgStacks.JSON.writeValueAsString(t);

    assertThat(t.has("Parameters")).as("no asset or BootstrapVersion parameters").isFalse();
    assertThat(t.has("Rules")).as("no CheckBootstrapVersion rule").isFalse();
    assertThat(text)
        .doesNotContain("cdk-hnb659fds")
        .doesNotContain("aws:asset:")
        .doesNotContain("AssetParameters")
        .doesNotContain("BootstrapVersion")
        .doesNotContain("AWSCDKTrigger")
        .doesNotContain("PermissionsCheck");
  }

  @ParameterizedTest
  @ValueSource(strings = {"EksNodeRemediator", "EksNodeRemediator-Telco"})
  void member_hardCodesNoAccountAndNoRegionOutsideTheJarVersionMapping(String name)
      throws IOException {
    JsonNode t = member(name).deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode) t).remove("Mappings");
    String text = OrgStacks.JSON.writeValueAsString(t);

    assertThat(ACCOUNT_ID.matcher(text).results().map(r -> r.group()).toList()).isEmpty();
    assertThat(REGION_NAME.matcher(text).results().map(r -> r.group()).toList()).isEmpty();
    assertThat(text).contains("AWS::AccountId").contains("AWS::Region");
  }

  @ParameterizedTest
  @ValueSource(strings = {"EksNodeRemediator", "EksNodeRemediator-Telco"})
  void member_goesInlineWhenItFitsTemplateBody(String name) throws IOException {
    JsonNode properties = stackSet(name).path("Properties");
    int bytes =
        OrgStacks.memberTemplateText(properties, OrgStacks.shared().outdir())
            .getBytes(StandardCharsets.UTF_8)
            .length;
    System.out.printf("member template %s: %d bytes%n", name, bytes);
    assertThat(bytes).isLessThanOrEqualTo(MemberTemplate.TEMPLATE_BODY_MAX_BYTES);
    assertThat(properties.has("TemplateBody")).isTrue();
    assertThat(properties.has("TemplateURL")).isFalse();
  }

  /**
   * Enough clusters and ENI profiles take a member past TemplateBody's 51,200 bytes: it then goes
   * by TemplateURL, a file asset of the StackSets stack (published by the CDK CLI in the
   * administrator account), and is the same member template, with nothing for the members to
   * publish.
   */
  @Test
  void largeMember_goesByTemplateUrl_asAnAssetOfTheStackSetsStack() throws IOException {
    ObjectNode organization = (ObjectNode) OrgStacks.tree(OrgStacks.ORGANIZATION);
    ObjectNode telco = (ObjectNode) organization.path("overrides").get(0);
    ArrayNode clusters = (ArrayNode) telco.at("/remediator/clusters");
    for (int i = 1; i <= 12; i++) {
      clusters.add("cnf-" + i);
    }
    ArrayNode profiles = (ArrayNode) telco.at("/remediator/eni/profiles");
    for (int i = 2; i <= 4; i++) {
      ObjectNode profile = profiles.get(0).deepCopy();
      profile.put("name", "multus-" + i).put("deviceIndex", i);
      profiles.add(profile);
    }
    OrgStacks.Synthesized org = OrgStacks.synthesize(organization.toString());

    JsonNode properties = null;
    for (JsonNode s :
        OrgStacks.JSON.valueToTree(
            org.template(OrganizationApp.STACK_SETS_STACK)
                .findResources("AWS::CloudFormation::StackSet"))) {
      if ("EksNodeRemediator-Telco".equals(s.at("/Properties/StackSetName").asText())) {
        properties = s.path("Properties");
      }
    }
    assertThat(properties).isNotNull();
    assertThat(properties.has("TemplateBody"))
        .as("inline, %d bytes", properties.path("TemplateBody").asText().length())
        .isFalse();
    assertThat(properties.path("TemplateURL").toString()).contains("cdk-hnb659fds-assets");
    String member = OrgStacks.memberTemplateText(properties, org.outdir());
    assertThat(member.getBytes(StandardCharsets.UTF_8).length)
        .isGreaterThan(MemberTemplate.TEMPLATE_BODY_MAX_BYTES)
        .isLessThanOrEqualTo(MemberTemplate.TEMPLATE_URL_MAX_BYTES);
    assertThat(member).doesNotContain("cdk-hnb659fds").doesNotContain("AssetParameters");
    assertThat(OrgStacks.JSON.readTree(member).at("/Resources").toString()).contains("multus-4");
  }

  @ParameterizedTest
  @ValueSource(strings = {"EksNodeRemediator", "EksNodeRemediator-Telco"})
  void member_exportsNothing_andNamesNoIamResource(String name) {
    JsonNode t = member(name);

    // An export or an IAM name is account-wide: two StackSets (or Regions) in one account would
    // collide on it, and an import would block the instance's deletion.
    assertThat(t.path("Outputs").findValues("Export")).isEmpty();
    List<String> named = new ArrayList<>();
    t.path("Resources")
        .properties()
        .forEach(
            r ->
                IAM_NAMES.forEach(
                    p -> {
                      if (r.getValue().path("Properties").has(p)) {
                        named.add(r.getKey() + "." + p);
                      }
                    }));
    assertThat(named).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"EksNodeRemediator", "EksNodeRemediator-Telco"})
  void stackSetCapabilities_areExactlyWhatTheMemberNeeds(String name) {
    JsonNode t = member(name);
    Set<String> needed = new TreeSet<>();
    for (JsonNode r : t.path("Resources")) {
      if (r.path("Type").asText().startsWith("AWS::IAM::")) {
        needed.add("CAPABILITY_IAM"); // unnamed: asserted by the test above
      }
    }

    List<String> capabilities = new ArrayList<>();
    stackSet(name).at("/Properties/Capabilities").forEach(c -> capabilities.add(c.asText()));
    assertThat(capabilities).containsExactlyInAnyOrderElementsOf(needed);
  }

  @ParameterizedTest
  @ValueSource(strings = {"EksNodeRemediator", "EksNodeRemediator-Telco"})
  void member_readsTheJarFromItsOwnRegionsBucket_atThePinnedVersion(String name) {
    JsonNode t = member(name);
    Map<String, Object> regionRef = Map.of("Ref", "AWS::Region");
    Map<String, Object> expectedCode =
        Map.of(
            "S3Bucket",
                Map.of("Fn::Join", List.of("-", List.of("acme-eks-node-remediator", regionRef))),
            "S3Key", OrgStacks.JAR_KEY,
            "S3ObjectVersion",
                Map.of(
                    "Fn::FindInMap", List.of("FunctionJarVersions", regionRef, "ObjectVersion")));
    int functions = 0;
    for (JsonNode r : t.path("Resources")) {
      if ("java21".equals(r.at("/Properties/Runtime").asText())) {
        assertThat(r.at("/Properties/Code")).isEqualTo(OrgStacks.JSON.valueToTree(expectedCode));
        functions++;
      }
    }
    assertThat(functions).isPositive();
    assertThat(t.at("/Mappings/FunctionJarVersions"))
        .isEqualTo(
            OrgStacks.tree(
                "{\"eu-west-1\": {\"ObjectVersion\": \"3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY\"},"
                    + " \"us-east-1\": {\"ObjectVersion\": \"null\"}}"));
  }

  /**
   * The base member is the standalone stack with only the code and the deploy-time check changed:
   * same configuration to the function, same IAM statements, same rules.
   */
  @Test
  void baseMember_hasTheStandaloneStacksConfigurationRolesAndRules() throws IOException {
    JsonNode member = member("EksNodeRemediator");
    Map<String, Object> context = new LinkedHashMap<>(OrgStacks.cdkJsonContext());
    context.put(
        AppSettings.DEPLOYMENT_KEY,
        Map.of("checkPermissionsOnDeploy", false)); // the member has no trigger either
    App app = App.Builder.create().context(context).build();
    JsonNode standalone =
        OrgStacks.JSON.valueToTree(
            Template.fromStack(RemediatorApp.stack(app, "Standalone", stubCode())).toJSON());

    assertThat(OrganizationAppTest.config(member, "ImdsHandler"))
        .isEqualTo(OrganizationAppTest.config(standalone, "ImdsHandler"));
    for (String type : List.of("AWS::IAM::Policy", "AWS::IAM::Role", "AWS::Events::Rule")) {
      assertThat(ofType(member, type)).as(type).isEqualTo(ofType(standalone, type));
    }
  }

  /**
   * The central view reaches members through {@code remediator-deployment}, like any deployment
   * setting: each member forwards its decisions to the organization's bus.
   */
  @Test
  void centralEventBusArn_inRemediatorDeployment_reachesEveryMember() {
    String bus = "arn:aws:events:eu-west-1:999999999999:event-bus/eks-node-remediator-decisions";
    Map<String, Object> context = new LinkedHashMap<>(OrgStacks.cdkJsonContext());
    context.put(AppSettings.DEPLOYMENT_KEY, Map.of("centralEventBusArn", bus));
    context.put(OrganizationSettings.KEY, OrgStacks.read(OrgStacks.ORGANIZATION));
    OrgStacks.Synthesized org = OrgStacks.synthesize(context);

    for (String name : List.of("EksNodeRemediator", "EksNodeRemediator-Telco")) {
      JsonNode member = org.memberTemplate(name);
      List<String> targets = new java.util.ArrayList<>();
      ofType(member, "AWS::Events::Rule")
          .values()
          .forEach(r -> r.at("/Targets").forEach(t -> targets.add(t.at("/Arn").asText())));
      assertThat(targets).as(name).contains(bus);
      ofType(member, "AWS::Lambda::Function")
          .values()
          .forEach(
              f ->
                  assertThat(f.at("/Environment/Variables/DECISION_EVENT_BUS").isMissingNode())
                      .as("%s: every function publishes its decisions", name)
                      .isFalse());
    }
  }

  private static Map<String, JsonNode> ofType(JsonNode template, String type) {
    Map<String, JsonNode> found = new java.util.TreeMap<>();
    template
        .path("Resources")
        .properties()
        .forEach(
            r -> {
              if (type.equals(r.getValue().path("Type").asText())) {
                found.put(r.getKey(), r.getValue().path("Properties"));
              }
            });
    return found;
  }

  private static Code stubCode() throws IOException {
    Path jar = Files.createTempFile("remediator-stub", ".jar");
    jar.toFile().deleteOnExit();
    try (OutputStream out = Files.newOutputStream(jar);
        ZipOutputStream zip = new ZipOutputStream(out)) {
      zip.putNextEntry(new ZipEntry("README"));
      zip.write("stub\n".getBytes(StandardCharsets.UTF_8));
      zip.closeEntry();
    }
    return Code.fromAsset(jar.toString());
  }
}
