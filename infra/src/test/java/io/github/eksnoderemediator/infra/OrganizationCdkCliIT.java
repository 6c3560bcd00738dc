package io.github.eksnoderemediator.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The organization app through the real, pinned CDK CLI, as {@code ./dev cdk-org synth} runs it
 * ({@code --app "sh infra/org-app.sh"}, cdk.json's context plus {@code remediator-organization}),
 * offline; then cfn-lint on every template it wrote and on each StackSet's member template.
 */
class OrganizationCdkCliIT {
  static final String JAR_KEY =
      "eks-node-remediator/0.1.0-SNAPSHOT/remediator-"
          + "89abcdef0123456789abcdef0123456789abcdef0123456789abcdef01234567.jar";

  /**
   * Two Regions, an OU for the base, and an override for another OU with an ENI profile (the root
   * for the base would reach the override's accounts too, which the settings refuse).
   */
  static final String ORGANIZATION =
      """
      {"organizationId": "o-a1b2c3d4e5", "homeRegion": "us-east-1",
       "regions": ["us-east-1", "eu-west-1"], "organizationalUnits": ["ou-ab12-11111111"],
       "artifactBucketPrefix": "acme-eks-node-remediator",
       "functionJar": {"key": "%s",
                       "versions": {"us-east-1": "Fv1t0pxn5JUFSiGa0kfYchrkcrs1qR.n",
                                    "eu-west-1": "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY"}},
       "regionConcurrency": "PARALLEL", "retainStacksOnAccountRemoval": true,
       "overrides": [{"name": "Telco", "organizationalUnits": ["ou-ab12-33333333"],
         "remediator": {"eni": {"profiles": [
           {"name": "multus-oam", "cluster": "prod", "nodeGroup": "cnf",
            "subnets": {"ids": ["subnet-0a1a1a1a1a1a1a1a1"]},
            "securityGroups": {"ids": ["sg-0a1b2c3d4e5f6a7b8"]}, "deviceIndex": 2}]}}}]}
      """
          .formatted(JAR_KEY);

  private static Path root;
  private static Path cdk;

  @BeforeAll
  static void requireTheBuiltApp() {
    root = TestStacks.repoRoot();
    cdk = root.resolve("node_modules/.bin/cdk");
    assertThat(cdk).as("the pinned CDK CLI; install it with ./dev setup").isExecutable();
    assertThat(root.resolve("infra/target/cdk-app.classpath"))
        .as("the CDK app's classpath, written by mvn package")
        .isRegularFile();
  }

  @Test
  void synth_writesTheStackSetsAndArtifactStacks_andCfnLintPassesOnThemAndTheMembers(
      @TempDir Path out) throws Exception {
    String organization = TestStacks.JSON.readTree(ORGANIZATION).toString();
    List<String> command =
        List.of(
            cdk.toString(),
            "--app",
            "sh infra/org-app.sh",
            "synth",
            "--quiet",
            "--output",
            out.toString(),
            "--context",
            "remediator-organization=" + organization);

    ProcessRun run =
        ProcessRun.run(command, root, CdkCliSynthIT.cliEnvironment(), Duration.ofMinutes(5));

    assertThat(run.exitCode()).as(run.describe(command)).isZero();
    System.out.printf("cdk synth of the organization app took %d ms%n", run.took().toMillis());
    List<Path> templates = new ArrayList<>();
    for (String stack :
        List.of(
            "EksNodeRemediatorStackSets",
            "EksNodeRemediatorArtifacts-us-east-1",
            "EksNodeRemediatorArtifacts-eu-west-1")) {
      Path template = out.resolve(stack + ".template.json");
      assertThat(template).isRegularFile();
      templates.add(template);
    }
    JsonNode stackSets = TestStacks.JSON.readTree(templates.get(0).toFile());
    List<String> names = new ArrayList<>();
    for (JsonNode resource : stackSets.path("Resources")) {
      if ("AWS::CloudFormation::StackSet".equals(resource.path("Type").asText())) {
        String name = resource.at("/Properties/StackSetName").asText();
        names.add(name);
        Path member = out.resolve("member-" + name + ".template.json");
        // Inline, or (too large for TemplateBody) the file asset its TemplateURL names.
        String text =
            io.github.eksnoderemediator.infra.org.OrgStacks.memberTemplateText(
                resource.path("Properties"), out);
        Files.writeString(member, text);
        templates.add(member);
        assertMemberAsTheCliMakesIt(name, text, resource.path("Properties"));
      }
    }
    assertThat(names).containsExactlyInAnyOrder("EksNodeRemediator", "EksNodeRemediator-Telco");
    // Members are deployed by CloudFormation alone: the CLI publishes nothing for them, only
    // the StackSets stack's own template.
    JsonNode assets =
        TestStacks.JSON.readTree(out.resolve("EksNodeRemediatorStackSets.assets.json").toFile());
    List<String> files = new ArrayList<>();
    assets.path("files").forEach(f -> files.add(f.at("/source/path").asText()));
    // Its own template, and the member templates too large to go inline.
    assertThat(files).contains("EksNodeRemediatorStackSets.template.json");
    assertThat(files)
        .allMatch(
            f ->
                f.equals("EksNodeRemediatorStackSets.template.json")
                    || f.matches("asset\\.[0-9a-f]{64}\\.json"));
    assertThat(assets.path("dockerImages").size()).isZero();

    List<String> lint =
        new ArrayList<>(List.of(cfnLint().toString(), "--regions", "us-east-1", "eu-west-1", "--"));
    templates.forEach(t -> lint.add(t.toString()));
    ProcessRun linted = ProcessRun.run(lint, root, java.util.Map.of(), Duration.ofMinutes(3));
    assertThat(linted.exitCode()).as(linted.describe(lint)).isZero();
  }

  /**
   * The CLI turns on construct-path metadata and version reporting for every app it runs; members
   * turn both off again (MemberTemplate), so the bytes that count against TemplateBody's 51,200 are
   * the stack's own. Prints the size docs/organization.md quotes.
   */
  private static void assertMemberAsTheCliMakesIt(
      String stackSet, String text, JsonNode stackSetProperties) throws Exception {
    int bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    System.out.printf("member template %s through the CLI: %d bytes%n", stackSet, bytes);
    JsonNode member = TestStacks.JSON.readTree(text);
    assertThat(text).as("%s: construct paths", stackSet).doesNotContain("aws:cdk:path");
    assertThat(member.path("Resources").has("CDKMetadata"))
        .as("%s: the CDKMetadata resource", stackSet)
        .isFalse();
    assertThat(member.path("Conditions").has("CDKMetadataAvailable")).isFalse();
    // Inline exactly when it fits: then the StackSets stack's cdk diff shows it.
    assertThat(stackSetProperties.has("TemplateBody"))
        .as("%s (%d bytes) inline", stackSet, bytes)
        .isEqualTo(
            bytes <= io.github.eksnoderemediator.infra.org.MemberTemplate.TEMPLATE_BODY_MAX_BYTES);
    if ("EksNodeRemediator".equals(stackSet)) {
      // The base configuration, no ENI profile: far below the limit.
      assertThat(bytes)
          .isLessThan(io.github.eksnoderemediator.infra.org.MemberTemplate.TEMPLATE_BODY_MAX_BYTES);
    }
  }

  @Test
  void synth_withoutTheOrganizationContext_failsOnOneLine(@TempDir Path out) throws Exception {
    List<String> command =
        List.of(
            cdk.toString(),
            "--app",
            "sh infra/org-app.sh",
            "synth",
            "--quiet",
            "--output",
            out.toString());

    ProcessRun run =
        ProcessRun.run(command, root, CdkCliSynthIT.cliEnvironment(), Duration.ofMinutes(5));

    assertThat(run.exitCode()).as(run.describe(command)).isNotZero();
    assertThat(run.output().lines())
        .as(run.describe(command))
        .contains(
            "error: cdk.json context \"remediator-organization\" is missing: the organization app"
                + " needs it (docs/organization.md)")
        .noneMatch(line -> line.contains("Exception") || line.startsWith("\tat "));
  }

  private static Path cfnLint() {
    String toolsDir = System.getProperty("tools.dir");
    if (toolsDir != null && Files.isExecutable(Path.of(toolsDir, "venv", "bin", "cfn-lint"))) {
      return Path.of(toolsDir, "venv", "bin", "cfn-lint");
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "cfn-lint"))) {
        return Path.of(dir, "cfn-lint");
      }
    }
    throw new AssertionError("cfn-lint not found; install it with ./dev setup");
  }
}
