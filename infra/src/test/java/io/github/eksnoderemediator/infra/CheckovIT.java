package io.github.eksnoderemediator.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.eksnoderemediator.infra.org.OrgStacks;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Checkov (pinned in requirements-checkov.txt), the template scanner security teams run, on every
 * template this repository deploys: the single-account stacks {@link CfnLintIT} lints, the
 * organization app's StackSets and artifact stacks, and each StackSet's member template.
 *
 * <p>Every failed check is either fixed in the stack or skipped on its resource with a one-line
 * reason ({@code Metadata.checkov.skip}, written by {@code constructs/CheckovSkips}); a failure
 * without a skip fails the build, naming the check, the resource and what checkov asks. The skips
 * and their reasons are listed in docs/iam.md, and {@link #docsListEverySkipAndItsReason} keeps
 * that table equal to what the templates carry.
 *
 * <p>Checkov runs once, over all templates, with the CloudFormation framework only, offline (no
 * Prisma Cloud/Bridgecrew API key, no policy download, no update check) and with JSON output.
 *
 * <p><b>To scan one more template</b>, add one line to {@link #templates()}: {@code
 * templates.put("<name>", <the template as a JsonNode>);}.
 */
class CheckovIT {

  /** Every template to scan, by the name the test reports use. One line per template. */
  static Map<String, JsonNode> templates() {
    Map<String, JsonNode> templates = new LinkedHashMap<>();
    for (String stack :
        List.of(
            "defaults",
            "clusters",
            "eni",
            "eniClusters",
            "central",
            "centralMember",
            "release",
            "releaseEni")) {
      templates.put(stack, TestStacks.named(stack).template());
    }
    // EksNodeRemediatorStackSets, EksNodeRemediatorArtifacts-<region>, member-<StackSetName>.
    templates.putAll(OrgStacks.templates());
    return templates;
  }

  /** The docs table of skipped checks (docs/iam.md), one row per check id and reason. */
  static final String DOC = "docs/iam.md";

  private static final Pattern DOC_ROW =
      Pattern.compile("^\\| `(CKV2?_AWS_\\d+)` \\| [^|]+ \\| [^|]+ \\| (.+) \\|$");

  private static Map<String, JsonNode> scanned;
  private static Map<String, Path> files;
  private static JsonNode results;

  @BeforeAll
  static void scanEveryTemplate() throws Exception {
    Path checkov = findCheckov();
    scanned = templates();
    // Kept after the run (mvn clean removes it): a failure can be looked at, or re-run by hand.
    Path dir = TestStacks.repoRoot().resolve("infra/target/checkov");
    if (Files.isDirectory(dir)) {
      try (Stream<Path> old = Files.list(dir)) {
        for (Path f : old.toList()) {
          Files.delete(f);
        }
      }
    }
    Files.createDirectories(dir);
    files = new LinkedHashMap<>();
    List<String> command = new ArrayList<>(List.of(checkov.toString()));
    command.addAll(
        List.of(
            "--framework",
            "cloudformation",
            "--output",
            "json",
            "--skip-download",
            "--skip-results-upload",
            "--config-file",
            dir.resolve("no-config.yaml").toString()));
    Files.writeString(dir.resolve("no-config.yaml"), "{}\n");
    command.add("--file");
    for (Map.Entry<String, JsonNode> t : scanned.entrySet()) {
      Path file = dir.resolve(t.getKey() + ".template.json");
      Files.writeString(file, TestStacks.JSON.writeValueAsString(t.getValue()));
      files.put(t.getKey(), file);
      // Relative to the working directory: checkov puts the path it was given into each
      // function's environment as it scans it (__file__), and CKV_AWS_45's secret detector took a
      // random temporary directory in an absolute path (a fresh clone's) for a secret.
      command.add(file.getFileName().toString());
    }

    // Offline and quiet: no API key from the caller's environment, no policy metadata download,
    // no PyPI version check; and a proxy on a closed local port, so that a connection attempt by a
    // later release fails at once instead of reaching out (3.3.30 makes none with these settings).
    Map<String, String> environment = new LinkedHashMap<>();
    for (String proxy : List.of("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy")) {
      environment.put(proxy, "http://127.0.0.1:9");
    }
    environment.put("NO_PROXY", "");
    environment.put("no_proxy", "");
    environment.put("BC_API_KEY", "");
    environment.put("BC_SKIP_MAPPING", "TRUE");
    environment.put("CKV_SKIP_PACKAGE_UPDATE_CHECK", "true");
    environment.put("LOG_LEVEL", "WARNING");
    ProcessRun run = ProcessRun.run(command, dir, environment, Duration.ofMinutes(5));

    // Exit 1 is "some check failed", reported below per template; anything else is checkov's own
    // failure.
    assertThat(run.exitCode()).as(run.describe(command)).isIn(0, 1);
    String output = run.output();
    int start = output.indexOf('{');
    assertThat(start).as(run.describe(command)).isNotNegative();
    results = TestStacks.JSON.readTree(output.substring(start));
    assertThat(results.path("check_type").asText())
        .as("checkov's report: %s", output)
        .isEqualTo("cloudformation");
    assertThat(results.at("/results/parsing_errors")).as("parsing errors").isEmpty();
  }

  /** One test per template; {@link #checkov_readEveryResourceOfEveryTemplate} shows it read all. */
  @TestFactory
  Stream<DynamicTest> everyTemplate_hasNoFailedCheckWithoutASkip() {
    return scanned.keySet().stream()
        .map(
            name ->
                DynamicTest.dynamicTest(
                    name,
                    () ->
                        assertThat(
                                lines(
                                    results.at("/results/failed_checks"),
                                    files.get(name).toString()))
                            .as(
                                "checkov's failed checks on %s: fix each, or skip it on the"
                                    + " resource with a reason (constructs/CheckovSkips) and list"
                                    + " it in %s",
                                name, DOC)
                            .isEmpty()));
  }

  @Test
  void checkov_readEveryResourceOfEveryTemplate() {
    int resources = 0;
    for (JsonNode template : scanned.values()) {
      resources += template.path("Resources").size();
    }
    assertThat(results.at("/summary/resource_count").asInt())
        .as("resources checkov read, against those of the %s templates", scanned.size())
        .isEqualTo(resources);
  }

  /**
   * CKV_AWS_27 is skipped on every queue because it only reads a KMS key: this is what it would
   * otherwise have checked, that every queue sets its encryption at rest explicitly.
   */
  @Test
  void everyQueue_isEncryptedAtRest_withSqsManagedKeysOrKms() {
    List<String> unencrypted = new ArrayList<>();
    scanned.forEach(
        (name, template) ->
            template
                .path("Resources")
                .properties()
                .forEach(
                    r -> {
                      JsonNode properties = r.getValue().path("Properties");
                      if ("AWS::SQS::Queue".equals(r.getValue().path("Type").asText())
                          && !properties.path("SqsManagedSseEnabled").asBoolean(false)
                          && !properties.has("KmsMasterKeyId")) {
                        unencrypted.add(name + " " + r.getKey());
                      }
                    }));
    assertThat(unencrypted).isEmpty();
  }

  @Test
  void everySkip_carriesAReason() {
    List<String> withoutReason = new ArrayList<>();
    for (JsonNode skipped : results.at("/results/skipped_checks")) {
      if (skipped.path("check_result").path("suppress_comment").asText("").isBlank()) {
        withoutReason.add(line(skipped));
      }
    }
    assertThat(withoutReason).as("skips without a reason").isEmpty();
  }

  @Test
  void docsListEverySkipAndItsReason() throws IOException {
    // What the templates skip: check id and reason -> the resource types it is skipped on.
    Map<String, TreeSet<String>> inTemplates = new TreeMap<>();
    for (JsonNode template : scanned.values()) {
      template
          .path("Resources")
          .properties()
          .forEach(
              r -> {
                for (JsonNode skip : r.getValue().at("/Metadata/checkov/skip")) {
                  inTemplates
                      .computeIfAbsent(
                          skip.path("id").asText() + " " + skip.path("comment").asText(),
                          k -> new TreeSet<>())
                      .add(r.getValue().path("Type").asText());
                }
              });
    }
    TreeSet<String> inDocs = new TreeSet<>();
    for (String row :
        Files.readAllLines(TestStacks.repoRoot().resolve(DOC), StandardCharsets.UTF_8)) {
      Matcher m = DOC_ROW.matcher(row);
      if (m.matches()) {
        inDocs.add(m.group(1) + " " + m.group(2));
      }
    }
    assertThat(inDocs)
        .as(
            "the rows of %s's skipped-checks table (`id` | asks | resources | reason) against the"
                + " templates' skips, by resource type: %s",
            DOC, inTemplates)
        .containsExactlyElementsOf(inTemplates.keySet());
  }

  /** One line per check of {@code file}: id, resource, checkov's description. */
  private static List<String> lines(JsonNode checks, String file) {
    List<String> lines = new ArrayList<>();
    for (JsonNode check : checks) {
      if (file.equals(check.path("file_abs_path").asText())
          || check.path("file_path").asText().endsWith("/" + Path.of(file).getFileName())) {
        lines.add(line(check));
      }
    }
    lines.sort(null);
    return lines;
  }

  private static String line(JsonNode check) {
    JsonNode keys = check.path("check_result").path("evaluated_keys");
    return check.path("check_id").asText()
        + " "
        + check.path("resource").asText()
        + ": "
        + check.path("check_name").asText()
        + (keys.isEmpty() ? "" : " (" + keys + ")");
  }

  private static Path findCheckov() {
    String toolsDir = System.getProperty("tools.dir");
    if (toolsDir != null && Files.isExecutable(Path.of(toolsDir, "checkov", "bin", "checkov"))) {
      return Path.of(toolsDir, "checkov", "bin", "checkov");
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "checkov"))) {
        return Path.of(dir, "checkov");
      }
    }
    throw new AssertionError(
        "checkov not found in "
            + toolsDir
            + "/checkov/bin nor on PATH; install it with ./dev setup");
  }
}
