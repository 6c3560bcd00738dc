package io.github.eksnoderemediator.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.assertions.Capture;
import software.amazon.awscdk.assertions.Template;

/**
 * The real, pinned CDK CLI on the real app, the way {@code ./dev cdk} runs it: cdk.json, then
 * infra/cdk-app.sh, then {@link RemediatorApp}. Needs lambda/target/remediator.jar and
 * infra/target/cdk-app.classpath, which {@code mvn verify} has built by now.
 */
class CdkCliSynthIT {
  static final String FUNCTION_JAR = "lambda/target/remediator.jar";

  private static Path root;
  private static Path cdk;

  @BeforeAll
  static void requireTheBuiltApp() {
    root = TestStacks.repoRoot();
    cdk = root.resolve("node_modules/.bin/cdk");
    assertThat(cdk).as("the pinned CDK CLI; install it with ./dev setup").isExecutable();
    assertThat(root.resolve(FUNCTION_JAR))
        .as("the function jar; build it with ./dev build")
        .isRegularFile();
    assertThat(root.resolve("infra/target/cdk-app.classpath"))
        .as("the CDK app's classpath, written by mvn package")
        .isRegularFile();
  }

  @Test
  void synth_packagesTheRealFunctionJar(@TempDir Path out) throws Exception {
    List<String> command = List.of(cdk.toString(), "synth", "--quiet", "--output", out.toString());

    ProcessRun run = ProcessRun.run(command, root, cliEnvironment(), Duration.ofMinutes(5));

    assertThat(run.exitCode()).as(run.describe(command)).isZero();
    System.out.printf("cdk synth took %d ms%n", run.took().toMillis());
    Template template = cliTemplate(out);
    assertThat(TestStacks.remediatorIds(template, "AWS::Lambda::Function")).hasSize(1);
    Capture assetPath = new Capture();
    template.hasResource(
        "AWS::Lambda::Function",
        Map.of(
            "Properties",
            Map.of("Handler", "io.github.eksnoderemediator.handler.ImdsHandler::handleRequest"),
            "Metadata",
            Map.of("aws:asset:path", assetPath)));
    Path asset = out.resolve(assetPath.asString());
    assertThat(asset.getFileName().toString()).endsWith(".jar");
    assertThat(Files.mismatch(asset, root.resolve(FUNCTION_JAR)))
        .as("the staged asset %s is byte for byte %s", asset, FUNCTION_JAR)
        .isEqualTo(-1L);
  }

  @Test
  void synth_withEniProfiles_packagesTheSameJarForBothFunctions(@TempDir Path out)
      throws Exception {
    // The CLI passes a --context value to the app as a string; the app reads a string as JSON.
    String remediator = TestStacks.JSON.readTree(TestStacks.ENI_REMEDIATOR).toString();
    List<String> command =
        List.of(
            cdk.toString(),
            "synth",
            "--quiet",
            "--output",
            out.toString(),
            "--context",
            "remediator=" + remediator);

    ProcessRun run = ProcessRun.run(command, root, cliEnvironment(), Duration.ofMinutes(5));

    assertThat(run.exitCode()).as(run.describe(command)).isZero();
    List<JsonNode> functions =
        cliTemplate(out).findResources("AWS::Lambda::Function").values().stream()
            .<JsonNode>map(f -> TestStacks.JSON.valueToTree(f))
            .toList();
    assertThat(functions.stream().map(f -> f.at("/Properties/Handler").asText()))
        .containsExactlyInAnyOrder(
            "io.github.eksnoderemediator.handler.ImdsHandler::handleRequest",
            "io.github.eksnoderemediator.handler.EniHandler::handleRequest",
            // The deploy-time permissions checks, and aws-cdk-lib's trigger provider (Node.js).
            "io.github.eksnoderemediator.handler.ImdsPermissionsCheckHandler::handleRequest",
            "io.github.eksnoderemediator.handler.EniPermissionsCheckHandler::handleRequest",
            "__entrypoint__.handler");
    for (JsonNode function :
        functions.stream()
            .filter(f -> "java21".equals(f.at("/Properties/Runtime").asText()))
            .toList()) {
      Path asset = out.resolve(function.at("/Metadata/aws:asset:path").asText());
      assertThat(Files.mismatch(asset, root.resolve(FUNCTION_JAR)))
          .as("the staged asset %s is byte for byte %s", asset, FUNCTION_JAR)
          .isEqualTo(-1L);
      assertThat(
              TestStacks.JSON.readTree(
                  function.at("/Properties/Environment/Variables/REMEDIATOR_CONFIG").asText()))
          .isEqualTo(TestStacks.JSON.readTree(remediator));
    }
  }

  @Test
  void synth_withABadContextOverride_failsOnOneLineWithoutAStackTrace(@TempDir Path out)
      throws Exception {
    // The CLI passes a --context value to the app as a string; the app reads a string as JSON.
    List<String> command =
        List.of(
            cdk.toString(),
            "synth",
            "--quiet",
            "--output",
            out.toString(),
            "--context",
            "remediator={\"imds\":{\"hopLimit\":70}}");

    ProcessRun run = ProcessRun.run(command, root, cliEnvironment(), Duration.ofMinutes(5));

    assertThat(run.exitCode()).as(run.describe(command)).isNotZero();
    assertThat(run.output().lines())
        .as(run.describe(command))
        .contains(
            "error: cdk.json context \"remediator\" imds.hopLimit: must be an integer from 1 to 64,"
                + " got 70")
        .noneMatch(line -> line.contains("Exception") || line.startsWith("\tat "));
  }

  @Test
  void appScript_withoutTheFunctionJar_saysToBuildIt(@TempDir Path copy) throws Exception {
    copyWithoutLambda(copy, true);

    ProcessRun run =
        ProcessRun.run(
            List.of("sh", "infra/cdk-app.sh"), copy, cliEnvironment(), Duration.ofMinutes(2));

    assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
    assertThat(run.output().strip())
        .isEqualTo(
            "error: lambda/target/remediator.jar not found; build it first with ./dev build");
  }

  @Test
  void appScript_beforeTheAppIsBuilt_saysToBuildIt(@TempDir Path copy) throws Exception {
    copyWithoutLambda(copy, false);

    ProcessRun run =
        ProcessRun.run(
            List.of("sh", "infra/cdk-app.sh"), copy, cliEnvironment(), Duration.ofMinutes(2));

    assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
    assertThat(run.output().strip()).isEqualTo("error: the CDK app is not built; run ./dev build");
  }

  /** The CLI kept quiet and offline (TOOLCHAIN.md), on the JVM running this test. */
  static Map<String, String> cliEnvironment() {
    return Map.of(
        "CDK_DISABLE_CLI_TELEMETRY", "true",
        "npm_config_update_notifier", "false",
        "AWS_REGION", "eu-west-1",
        "AWS_EC2_METADATA_DISABLED", "true",
        "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20",
        "JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION", "1",
        "JAVA_HOME", System.getProperty("java.home"));
  }

  /**
   * A temporary repository root with cdk.json and infra/cdk-app.sh, a copy of the built app if
   * {@code withApp}, and no lambda/ at all: lambda/target is never touched.
   */
  private static void copyWithoutLambda(Path copy, boolean withApp) throws IOException {
    Files.copy(root.resolve("cdk.json"), copy.resolve("cdk.json"));
    Files.createDirectories(copy.resolve("infra"));
    Files.copy(root.resolve("infra/cdk-app.sh"), copy.resolve("infra/cdk-app.sh"));
    if (withApp) {
      Path target = root.resolve("infra/target");
      Files.createDirectories(copy.resolve("infra/target"));
      for (Path from : walk(target.resolve("classes"))) {
        Files.copy(from, copy.resolve("infra/target").resolve(target.relativize(from)));
      }
      Files.copy(
          target.resolve("cdk-app.classpath"), copy.resolve("infra/target/cdk-app.classpath"));
    }
  }

  private static List<Path> walk(Path dir) throws IOException {
    try (var files = Files.walk(dir)) {
      return files.toList();
    }
  }

  /** The template the CDK CLI wrote, for CDK's assertions. */
  @SuppressWarnings("unchecked")
  private static Template cliTemplate(Path out) throws java.io.IOException {
    return Template.fromJSON(
        TestStacks.JSON.readValue(
            out.resolve("EksNodeRemediator.template.json").toFile(), Map.class));
  }
}
