package io.github.eksnoderemediator.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.eksnoderemediator.config.RemediatorConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Capture;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.lambda.Code;

/**
 * The stacks the tests look at, synthesized once per JVM (each synth costs seconds) with a stub
 * function jar, so infra builds without the real Lambda artifact.
 *
 * <ul>
 *   <li>{@link #defaults()}: exactly what {@code cdk.json} at the repository root configures (every
 *       cluster, hop limits at most 2, default deployment settings).
 *   <li>{@link #clusters()}: clusters prod and staging, the default band (at most 2), a node pool
 *       narrowed to hop limit 1 and one raised to 3 (Cilium), so the envelope is 1 to 3, the
 *       endpoint forced on, Security Hub updates off, and non-default deployment settings (the
 *       deploy-time permissions check off, no reserved concurrency).
 *   <li>{@link #eni()}: {@code cdk.json}'s defaults plus two Multus profiles: one with subnets
 *       found by tag and a security group by name, one with subnet and group ids. Every cluster,
 *       default sweep.
 *   <li>{@link #eniClusters()}: clusters prod and staging, another opt-out tag, two profiles that
 *       share a subnet tag selector and name security groups by id only, a 5-minute sweep, and
 *       non-default deployment settings.
 * </ul>
 */
final class TestStacks {
  static final ObjectMapper JSON = new ObjectMapper();

  static final String CLUSTERS_REMEDIATOR =
      """
      {"clusters": ["prod", "staging"],
       "optOutTagKey": "team/skip-remediation",
       "imds": {"httpEndpoint": "enabled",
                "overrides": [{"cluster": "prod", "nodePool": "batch", "hopLimit": 1},
                              {"cluster": "staging", "nodePool": "cilium", "hopLimit": {"min": 3}}]},
       "sweep": {"rateMinutes": 5},
       "queue": {"batchSize": 500, "batchWindowSeconds": 3, "maxConcurrency": 4},
       "securityHub": {"updateFindings": false}}
      """;

  static final String CLUSTERS_DEPLOYMENT =
      """
      {"logRetentionDays": 7, "memorySize": 512, "timeoutSeconds": 60, "retryAttempts": 0,
       "maximumEventAgeSeconds": 600, "architecture": "x86_64", "alarmEmail": "oncall@example.com",
       "checkPermissionsOnDeploy": false, "reservedConcurrency": false}
      """;

  static final String ENI_REMEDIATOR =
      """
      {"clusters": [],
       "optOutTagKey": "eks-node-remediator/opt-out",
       "imds": {"hopLimit": {"min": 1, "max": 2}},
       "eni": {"profiles": [
         {"name": "multus-data", "cluster": "prod", "nodeGroup": "cnf",
          "subnets": {"tags": {"multus": "data"}},
          "securityGroups": {"names": ["multus-data"]},
          "deviceIndex": 1},
         {"name": "multus-oam", "cluster": "prod", "nodeGroup": "cnf",
          "subnets": {"ids": ["subnet-0a1a1a1a1a1a1a1a1", "subnet-0b2b2b2b2b2b2b2b2"]},
          "securityGroups": {"ids": ["sg-0a1b2c3d4e5f6a7b8"]},
          "deviceIndex": 2, "deleteOnTermination": false, "sourceDestCheck": false}]}}
      """;

  static final String ENI_CLUSTERS_REMEDIATOR =
      """
      {"clusters": ["prod", "staging"],
       "optOutTagKey": "team/skip-remediation",
       "eni": {"profiles": [
         {"name": "n3", "cluster": "prod", "nodePool": "upf", "matchTags": {"role": "upf"},
          "subnets": {"tags": {"tier": "data", "plane": "user"}},
          "securityGroups": {"ids": ["sg-0b0b0b0b0b0b0b0b0", "sg-0a0a0a0a0a0a0a0a0"]},
          "deviceIndex": 1},
         {"name": "n6", "cluster": "staging",
          "subnets": {"tags": {"plane": "user", "tier": "data"}},
          "securityGroups": {"ids": ["sg-0c0c0c0c0c0c0c0c0"]},
          "deviceIndex": 1, "networkCardIndex": 1, "secondaryPrivateIpCount": 2}],
        "sweep": {"rateMinutes": 5, "graceMinutes": 20}},
       "queue": {"batchSize": 500, "batchWindowSeconds": 3, "maxConcurrency": 4}}
      """;

  /**
   * A synthesized stack: CDK's assertions on it, its template as JSON (for the IAM evaluation and
   * event-ruler tests) and where the file is.
   *
   * @param assertions {@code Template.fromStack} of the stack, made once: it costs seconds
   * @param findings cdk-nag's unsuppressed errors and warnings, one line each
   */
  record Synthesized(
      String stackName,
      Template assertions,
      JsonNode template,
      Path templateFile,
      List<String> findings) {}

  private static Synthesized defaults;
  private static Synthesized clusters;
  private static Synthesized eni;
  private static Synthesized eniClusters;
  private static Synthesized central;
  private static Path stubJar;

  /** 2024-01-01T00:00:00Z. */
  private static final long STUB_ENTRY_TIME = 1_704_067_200_000L;

  private TestStacks() {}

  static synchronized Synthesized defaults() {
    if (defaults == null) {
      defaults = synthesize("EksNodeRemediator", Map.of(), outdir("defaults"));
    }
    return defaults;
  }

  static synchronized Synthesized clusters() {
    if (clusters == null) {
      clusters =
          synthesize(
              "EksNodeRemediatorClusters",
              Map.of(
                  AppSettings.REMEDIATOR_KEY, read(CLUSTERS_REMEDIATOR),
                  AppSettings.DEPLOYMENT_KEY, read(CLUSTERS_DEPLOYMENT)),
              outdir("clusters"));
    }
    return clusters;
  }

  static synchronized Synthesized eni() {
    if (eni == null) {
      eni =
          synthesize(
              "EksNodeRemediatorEni",
              Map.of(AppSettings.REMEDIATOR_KEY, read(ENI_REMEDIATOR)),
              outdir("eni"));
    }
    return eni;
  }

  static synchronized Synthesized eniClusters() {
    if (eniClusters == null) {
      eniClusters =
          synthesize(
              "EksNodeRemediatorEniClusters",
              Map.of(
                  AppSettings.REMEDIATOR_KEY, read(ENI_CLUSTERS_REMEDIATOR),
                  AppSettings.DEPLOYMENT_KEY, read(CLUSTERS_DEPLOYMENT)),
              outdir("eni-clusters"));
    }
    return eniClusters;
  }

  /** The deployment settings of {@link #centralMember()}: a central view bus, nothing else. */
  static final String CENTRAL_MEMBER_DEPLOYMENT =
      """
      {"centralEventBusArn":
         "arn:aws:events:eu-west-1:999999999999:event-bus/eks-node-remediator-decisions"}
      """;

  private static Synthesized centralMember;

  /**
   * A member of the central view: {@link #eni()}'s configuration (both functions) with {@link
   * #CENTRAL_MEMBER_DEPLOYMENT}.
   */
  static synchronized Synthesized centralMember() {
    if (centralMember == null) {
      centralMember =
          synthesize(
              "EksNodeRemediatorCentralMember",
              Map.of(
                  AppSettings.REMEDIATOR_KEY, read(ENI_REMEDIATOR),
                  AppSettings.DEPLOYMENT_KEY, read(CENTRAL_MEMBER_DEPLOYMENT)),
              outdir("central-member"));
    }
    return centralMember;
  }

  /** The central view's settings in {@link #central()}: an organization and an alarm topic. */
  static final String CENTRAL_VIEW =
      """
      {"organizationId": "o-a1b2c3d4e5", "logRetentionDays": 400,
       "alarmTopicArn": "arn:aws:sns:eu-west-1:999999999999:security-alerts"}
      """;

  /** The central view's stack as {@link CentralViewApp} builds it, from {@link #CENTRAL_VIEW}. */
  static synchronized Synthesized central() {
    if (central == null) {
      Path outdir = outdir("central");
      App app =
          App.Builder.create()
              .context(Map.of(CentralViewSettings.CONTEXT_KEY, read(CENTRAL_VIEW)))
              .outdir(outdir.toString())
              .build();
      central =
          synthesized(
              app,
              CentralViewApp.stack(app, CentralViewApp.STACK_NAME),
              CentralViewApp.STACK_NAME,
              outdir);
    }
    return central;
  }

  /** A stack by the name the tests' parameters use. */
  static Synthesized named(String name) {
    return switch (name) {
      case "defaults" -> defaults();
      case "clusters" -> clusters();
      case "eni" -> eni();
      case "eniClusters" -> eniClusters();
      case "central" -> central();
      case "centralMember" -> centralMember();
      case "eniAsApp" -> eniAsApp();
      case "release" -> release();
      case "releaseEni" -> releaseEni();
      default -> throw new IllegalArgumentException("no test stack " + name);
    };
  }

  private static Synthesized release;
  private static Synthesized eniAsApp;

  /**
   * {@link #eni()}'s configuration in a stack named as the app names it ({@code
   * EksNodeRemediator}): logical ids hash the stack's name, so this is what {@link #releaseEni()}
   * is compared with.
   */
  static synchronized Synthesized eniAsApp() {
    if (eniAsApp == null) {
      eniAsApp =
          synthesize(
              RemediatorApp.STACK_NAME,
              Map.of(AppSettings.REMEDIATOR_KEY, read(ENI_REMEDIATOR)),
              outdir("eni-as-app"));
    }
    return eniAsApp;
  }

  private static Synthesized releaseEni;

  /**
   * The release bundle's template.json ({@code ./dev release}) for {@code cdk.json}'s
   * configuration, as {@link io.github.eksnoderemediator.infra.release.ReleaseTemplate} builds it:
   * the same stack as {@link #defaults()}, flat, with the jar's location as parameters.
   */
  static synchronized Synthesized release() {
    if (release == null) {
      release = release("release", cdkJsonContext().get(AppSettings.REMEDIATOR_KEY), null);
    }
    return release;
  }

  /** The release template for {@link #eni()}'s configuration: both functions, both checks. */
  static synchronized Synthesized releaseEni() {
    if (releaseEni == null) {
      releaseEni = release("release-eni", read(ENI_REMEDIATOR), null);
    }
    return releaseEni;
  }

  private static Synthesized release(String name, Object remediator, Object deployment) {
    var template =
        io.github.eksnoderemediator.infra.release.ReleaseTemplate.synthesize(
            AppSettings.fromContext(remediator, deployment));
    Path file = outdir(name).resolve("template.json");
    try {
      Files.writeString(file, template.json());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    JsonNode tree = template.tree();
    @SuppressWarnings("unchecked")
    Map<String, Object> map = JSON.convertValue(tree, Map.class);
    return new Synthesized(
        RemediatorApp.STACK_NAME, Template.fromJSON(map), tree, file, template.findings());
  }

  /**
   * The {@code remediator} configuration a stack is synthesized from, parsed by the function's own
   * parser (the role is derived from the same record).
   */
  static RemediatorConfig config(String name) {
    Object remediator =
        switch (name) {
          case "defaults" -> cdkJsonContext().get(AppSettings.REMEDIATOR_KEY);
          case "clusters" -> read(CLUSTERS_REMEDIATOR);
          case "eni" -> read(ENI_REMEDIATOR);
          case "eniClusters" -> read(ENI_CLUSTERS_REMEDIATOR);
          default -> throw new IllegalArgumentException("no test stack " + name);
        };
    return AppSettings.fromContext(remediator, null).remediator();
  }

  /**
   * Synthesizes the app's stack as {@link RemediatorApp} builds it, with the context of {@code
   * cdk.json} overlaid by {@code overrides}.
   */
  static Synthesized synthesize(String stackName, Map<String, Object> overrides, Path outdir) {
    Map<String, Object> context = new LinkedHashMap<>(cdkJsonContext());
    context.putAll(overrides);
    App app = App.Builder.create().context(context).outdir(outdir.toString()).build();
    RemediatorStack stack = RemediatorApp.stack(app, stackName, stubCode());
    return synthesized(app, stack, stackName, outdir);
  }

  private static Synthesized synthesized(
      App app, software.amazon.awscdk.Stack stack, String stackName, Path outdir) {
    // fromStack synthesizes the app; the app's synth below returns that same cached assembly, so
    // each configuration is synthesized once. (Annotations.fromStack would force a second synth,
    // so cdk-nag's findings are read from the assembly instead.)
    Template assertions = Template.fromStack(stack);
    List<String> findings =
        app.synth().getStackByName(stackName).getMessages().stream()
            .filter(m -> m.getLevel() != software.amazon.awscdk.cxapi.SynthesisMessageLevel.INFO)
            .map(m -> m.getId() + " " + m.getEntry().getData())
            .filter(m -> m.contains("AwsSolutions-"))
            .toList();
    Path file = outdir.resolve(stackName + ".template.json");
    return new Synthesized(
        stackName, assertions, JSON.valueToTree(assertions.toJSON()), file, findings);
  }

  /** The {@code context} object of the repository's {@code cdk.json}. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> cdkJsonContext() {
    try {
      Map<String, Object> cdkJson =
          JSON.readValue(repoRoot().resolve("cdk.json").toFile(), Map.class);
      return (Map<String, Object>) cdkJson.getOrDefault("context", Map.of());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A tiny jar standing in for lambda/target/remediator.jar. */
  static synchronized Code stubCode() {
    try {
      if (stubJar == null) {
        stubJar = deletedAtExit(Files.createTempDirectory("remediator-stub")).resolve("stub.jar");
        try (OutputStream out = Files.newOutputStream(stubJar);
            ZipOutputStream zip = new ZipOutputStream(out)) {
          // A fixed entry time keeps the jar's bytes, and so the asset hash in the function
          // versions' logical ids, the same on every run (LogicalIdsTest compares them).
          ZipEntry readme = new ZipEntry("README");
          readme.setTime(STUB_ENTRY_TIME);
          zip.putNextEntry(readme);
          zip.write(
              "stub function code for infra tests\n"
                  .getBytes(java.nio.charset.StandardCharsets.UTF_8));
          zip.closeEntry();
        }
      }
      return Code.fromAsset(stubJar.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Set by Maven; otherwise the nearest folder up from here that holds cdk.json. */
  static Path repoRoot() {
    String property = System.getProperty("repo.root");
    if (property != null && !property.isBlank()) {
      return Path.of(property).toAbsolutePath().normalize();
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("cdk.json"))) {
        return dir;
      }
    }
    throw new IllegalStateException(
        "cannot find the repository root (no cdk.json above " + Path.of("").toAbsolutePath() + ")");
  }

  static Object read(String json) {
    try {
      return JSON.readValue(json, Object.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path outdir(String name) {
    try {
      return deletedAtExit(Files.createTempDirectory("remediator-synth-" + name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The synthesized files are shared by every test class of the JVM, so they go when it ends. */
  static Path deletedAtExit(Path dir) {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try (var files = Files.walk(dir)) {
                    files
                        .sorted(java.util.Comparator.reverseOrder())
                        .forEach(f -> f.toFile().delete());
                  } catch (IOException | UncheckedIOException e) {
                    // best effort: a temp folder left behind is harmless
                  }
                }));
    return dir;
  }

  // ---- template assertions -------------------------------------------------------------------

  /**
   * The logical id of the one resource of a type whose id starts with the construct path's ids
   * (e.g. {@code ImdsQueueEvents}), for the resources nothing in their properties tells apart.
   */
  static String idOf(Template template, String type, String prefix) {
    List<String> found =
        template.findResources(type).keySet().stream().filter(id -> id.startsWith(prefix)).toList();
    if (found.size() != 1) {
      throw new AssertionError(
          "expected one " + type + " with a logical id starting " + prefix + ", found " + found);
    }
    return found.get(0);
  }

  /**
   * A pattern for {@link Template#templateMatches}: the resource with this logical id has this type
   * and at least these properties.
   */
  static Object resourceLike(String logicalId, String type, Map<String, ?> properties) {
    return Match.objectLike(
        Map.of(
            "Resources",
            Map.of(logicalId, Map.of("Type", type, "Properties", Match.objectLike(properties)))));
  }

  /** The logical ids of the resources of one type, the permissions check's aside. */
  static java.util.Set<String> remediatorIds(Template template, String type) {
    java.util.Set<String> ids = new java.util.TreeSet<>(template.findResources(type).keySet());
    ids.removeIf(TestStacks::permissionsCheck);
    return ids;
  }

  /** The statements with this effect in a captured policy document's {@code Statement} array. */
  static List<JsonNode> statements(Capture statements, String effect) {
    List<JsonNode> found = new java.util.ArrayList<>();
    JSON.valueToTree(statements.asArray())
        .forEach(
            s -> {
              if (effect.equals(s.path("Effect").asText())) {
                found.add(s);
              }
            });
    return found;
  }

  /**
   * Every statement of one role, by its logical id's prefix (e.g. {@code ImdsPermissions}): inline
   * in the role and in the policies attached to it, as JSON for the tests that reason over all of
   * them.
   */
  static List<JsonNode> roleStatements(Template template, String rolePrefix) {
    String role = idOf(template, "AWS::IAM::Role", rolePrefix);
    List<JsonNode> statements = new java.util.ArrayList<>();
    JSON.valueToTree(template.findResources("AWS::IAM::Role").get(role))
        .at("/Properties/Policies")
        .forEach(p -> p.at("/PolicyDocument/Statement").forEach(statements::add));
    template
        .findResources(
            "AWS::IAM::Policy",
            Match.objectLike(
                Map.of("Properties", Map.of("Roles", Match.arrayWith(List.of(refTo(role)))))))
        .values()
        .forEach(
            p ->
                JSON.valueToTree(p)
                    .at("/Properties/PolicyDocument/Statement")
                    .forEach(statements::add));
    return statements;
  }

  /**
   * {@link Match#arrayWith} whose elements match like {@link Match#objectLike} (arrayWith alone
   * matches object elements exactly).
   */
  static Object arrayWithLike(List<? extends Map<String, ?>> elements) {
    return Match.arrayWith(elements.stream().<Object>map(Match::objectLike).toList());
  }

  /** {@code {"Ref": id}}, for a template pattern. */
  static Map<String, Object> refTo(String logicalId) {
    return Map.of("Ref", logicalId);
  }

  /** {@code {"Fn::GetAtt": [id, attribute]}}, for a template pattern. */
  static Map<String, Object> getAttOf(String logicalId, String attribute) {
    return Map.of("Fn::GetAtt", List.of(logicalId, attribute));
  }

  /**
   * True for the resources of the deploy-time permissions check ({@code checkPermissionsOnDeploy}):
   * the check function, its log group, and aws-cdk-lib's trigger provider. PermissionsCheckTest
   * covers them; the other tests look at the remediator's own resources.
   */
  static boolean permissionsCheck(String logicalId) {
    return logicalId.contains("PermissionsCheck") || logicalId.startsWith("AWSCDKTrigger");
  }
}
