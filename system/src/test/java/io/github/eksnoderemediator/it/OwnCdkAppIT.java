package io.github.eksnoderemediator.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.eksnoderemediator.infra.EksNodeRemediator;
import io.github.eksnoderemediator.infra.ProcessRun;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example of the public construct in someone's own CDK app (examples/own-cdk-app), synthesized
 * by the real, pinned CDK CLI from its own directory and cdk.json, then checked as the standalone
 * app is: cdk-nag's AWS Solutions checks (which the example app adds itself) leave no finding, and
 * cfn-lint finds no error and no warning.
 *
 * <p>The only difference from a user's {@code cdk synth} is how the JVM starts: the example's
 * cdk.json says {@code mvn -e -q compile exec:java}, which here would take the construct from ~/.m2
 * rather than from this build, so the test passes {@code --app} with a plain {@code java} on the
 * classpath Maven resolved for this module (it depends on the example).
 */
class OwnCdkAppIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String STACK = "PlatformNodeSecurity";

  private static Path root;
  private static Path example;

  @BeforeAll
  static void requireTheBuild() {
    root = Path.of(System.getProperty("repo.root", "..")).toAbsolutePath().normalize();
    example = root.resolve("examples/own-cdk-app");
    assertThat(root.resolve("node_modules/.bin/cdk"))
        .as("the pinned CDK CLI; ./dev setup")
        .isExecutable();
    assertThat(root.resolve("lambda/target/remediator.jar"))
        .as("the function jar the example's cdk.json points at")
        .isRegularFile();
  }

  @Test
  void cdkSynth_ofTheExampleApp_passesCdkNagAndCfnLint(@TempDir Path out) throws Exception {
    String classpath =
        example.resolve("target/classes")
            + File.pathSeparator
            + Files.readString(Path.of("target/example-app.classpath")).strip();
    String app =
        Path.of(System.getProperty("java.home"), "bin", "java")
            + " -cp "
            + classpath
            + " com.example.platform.PlatformApp";
    List<String> synth =
        List.of(
            root.resolve("node_modules/.bin/cdk").toString(),
            "synth",
            "--quiet",
            "--app",
            app,
            "--output",
            out.toString());

    ProcessRun run = ProcessRun.run(synth, example, cliEnvironment(), Duration.ofMinutes(5));

    assertThat(run.exitCode()).as(run.describe(List.of("cdk", "synth", "(example)"))).isZero();
    assertThat(nagFindings(out)).as("cdk-nag findings in the cloud assembly").isEmpty();
    // cdk-nag's own report proves the checks ran: rules passed, some suppressed with a reason,
    // none failed.
    List<String> nagReport =
        Files.readAllLines(out.resolve("AwsSolutions-" + STACK + "-NagReport.csv"));
    assertThat(nagReport)
        .anyMatch(l -> l.contains(",\"Compliant\","))
        .anyMatch(l -> l.contains(",\"Suppressed\","))
        .noneMatch(l -> l.contains(",\"Non-Compliant\","));

    JsonNode template = JSON.readTree(out.resolve(STACK + ".template.json").toFile());
    assertThat(template.at("/Metadata/EksNodeRemediator/version").asText())
        .isEqualTo(EksNodeRemediator.VERSION);
    assertThat(template.at("/Outputs/RemediatorVersion/Value").asText())
        .isEqualTo(EksNodeRemediator.VERSION);
    // The construct under the example's id, configured in code, with the real function jar.
    JsonNode imds = function(template, "io.github.eksnoderemediator.handler.ImdsHandler");
    assertThat(
            JSON.readTree(imds.at("/Properties/Environment/Variables/REMEDIATOR_CONFIG").asText()))
        .isEqualTo(
            JSON.readTree(
                """
                {"clusters": ["prod", "staging"],
                 "imds": {"overrides": [
                   {"cluster": "prod", "nodeGroup": "general", "hopLimit": {"min": 2}},
                   {"cluster": "prod", "nodePool": "untrusted", "hopLimit": 1},
                   {"cluster": "staging", "nodeGroup": "legacy", "imdsV1Usage": "defer"}]}}
                """));
    Path asset = out.resolve(imds.at("/Metadata/aws:asset:path").asText());
    assertThat(Files.mismatch(asset, root.resolve("lambda/target/remediator.jar")))
        .as("the staged asset %s is the function jar", asset)
        .isEqualTo(-1L);
    assertThat(template.at("/Resources").properties())
        .anyMatch(r -> r.getKey().startsWith("NodeRemediatorImdsPermissionsRole"))
        .anyMatch(r -> r.getKey().startsWith("NodeRemediatorAlarmsNotifications"));

    List<String> lint =
        List.of(
            cfnLint().toString(),
            "--regions",
            "eu-west-1",
            "us-east-1",
            "--",
            out.resolve(STACK + ".template.json").toString());
    ProcessRun linted = ProcessRun.run(lint, root, Map.of(), Duration.ofMinutes(3));
    // cfn-lint's exit code is a bitmask: 2 errors, 4 warnings.
    assertThat(linted.exitCode() & (2 | 4)).as(linted.describe(lint)).isZero();
  }

  @Test
  void cdkSynth_withAMissingJar_failsOnOneLineNamingIt(@TempDir Path out) throws Exception {
    String classpath =
        example.resolve("target/classes")
            + File.pathSeparator
            + Files.readString(Path.of("target/example-app.classpath")).strip();
    List<String> synth =
        List.of(
            root.resolve("node_modules/.bin/cdk").toString(),
            "synth",
            "--quiet",
            "--app",
            Path.of(System.getProperty("java.home"), "bin", "java")
                + " -cp "
                + classpath
                + " com.example.platform.PlatformApp",
            "--context",
            "remediatorJar=no-such.jar",
            "--output",
            out.toString());

    ProcessRun run = ProcessRun.run(synth, example, cliEnvironment(), Duration.ofMinutes(5));

    assertThat(run.exitCode()).isNotZero();
    assertThat(run.output().lines())
        .contains(
            "error: EksNodeRemediator function jar: no-such.jar not found; build it with ./dev"
                + " build (lambda/target/remediator.jar)")
        .noneMatch(line -> line.startsWith("\tat "));
  }

  /** The one Lambda function whose handler starts with {@code handler}. */
  private static JsonNode function(JsonNode template, String handler) {
    List<JsonNode> found = new ArrayList<>();
    template
        .path("Resources")
        .forEach(
            r -> {
              if (r.at("/Properties/Handler").asText().startsWith(handler + "::")) {
                found.add(r);
              }
            });
    assertThat(found).as("functions with handler %s", handler).hasSize(1);
    return found.get(0);
  }

  /**
   * cdk-nag's unsuppressed findings: its error and warning metadata entries in the cloud assembly
   * manifest, one line each.
   */
  private static List<String> nagFindings(Path out) throws Exception {
    List<String> findings = new ArrayList<>();
    JsonNode metadata = JSON.readTree(out.resolve("manifest.json").toFile()).at("/artifacts");
    metadata.forEach(
        artifact ->
            artifact
                .path("metadata")
                .forEach(
                    (entries) ->
                        entries.forEach(
                            e -> {
                              String type = e.path("type").asText();
                              String data = e.path("data").toString();
                              if ((type.equals("aws:cdk:error") || type.equals("aws:cdk:warning"))
                                  && data.contains("AwsSolutions-")) {
                                findings.add(data);
                              }
                            })));
    return findings;
  }

  private static Path cfnLint() {
    Path tools = Path.of(System.getProperty("tools.dir", ".tools"), "venv", "bin", "cfn-lint");
    if (Files.isExecutable(tools)) {
      return tools;
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator, -1)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "cfn-lint"))) {
        return Path.of(dir, "cfn-lint");
      }
    }
    throw new AssertionError("cfn-lint not found; install it with ./dev setup");
  }

  /** The CLI kept quiet and offline, on the JVM running this test. */
  private static Map<String, String> cliEnvironment() {
    return Map.of(
        "CDK_DISABLE_CLI_TELEMETRY", "true",
        "npm_config_update_notifier", "false",
        "AWS_REGION", "eu-west-1",
        "AWS_EC2_METADATA_DISABLED", "true",
        "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20",
        "JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION", "1",
        "JAVA_HOME", System.getProperty("java.home"));
  }
}
