package io.github.eksnoderemediator.infra.org;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.eksnoderemediator.infra.AppSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.cxapi.CloudAssembly;
import software.amazon.awscdk.cxapi.SynthesisMessageLevel;

/**
 * The organization app synthesized once per JVM with {@link #ORGANIZATION} (two Regions, two OUs,
 * an override with ENI profiles for a third OU) over the repository's {@code cdk.json} context.
 */
public final class OrgStacks {
  static final ObjectMapper JSON = new ObjectMapper();

  static final String JAR_KEY =
      "eks-node-remediator/0.1.0-SNAPSHOT/remediator-"
          + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.jar";

  static final String ORGANIZATION =
      """
      {"organizationId": "o-a1b2c3d4e5",
       "homeRegion": "eu-west-1",
       "regions": ["eu-west-1", "us-east-1"],
       "organizationalUnits": ["ou-ab12-11111111", "ou-ab12-22222222"],
       "artifactBucketPrefix": "acme-eks-node-remediator",
       "functionJar": {"key": "%s",
                       "versions": {"eu-west-1": "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY",
                                    "us-east-1": "null"}},
       "callAs": "DELEGATED_ADMIN",
       "failureTolerancePercentage": 10,
       "maxConcurrentPercentage": 50,
       "concurrencyMode": "SOFT_FAILURE_TOLERANCE",
       "overrides": [
         {"name": "Telco", "organizationalUnits": ["ou-ab12-33333333"],
          "remediator": {"clusters": ["cnf"],
            "eni": {"profiles": [
              {"name": "multus-data", "cluster": "cnf", "nodeGroup": "upf",
               "subnets": {"tags": {"multus": "data"}},
               "securityGroups": {"ids": ["sg-0a1b2c3d4e5f6a7b8"]},
               "deviceIndex": 1}]}}}]}
      """
          .formatted(JAR_KEY);

  /** A synthesized organization app. */
  record Synthesized(
      App app,
      OrganizationApp.Stacks stacks,
      CloudAssembly assembly,
      Path outdir,
      Map<String, Template> templates) {

    Template template(String stackName) {
      Template t = templates.get(stackName);
      if (t == null) {
        throw new AssertionError("no stack " + stackName + " in " + templates.keySet());
      }
      return t;
    }

    /** cdk-nag's unsuppressed errors and warnings of every stack, one line each. */
    List<String> findings() {
      return assembly.getStacks().stream()
          .flatMap(s -> s.getMessages().stream())
          .filter(m -> m.getLevel() != SynthesisMessageLevel.INFO)
          .map(m -> m.getId() + " " + m.getEntry().getData())
          .filter(m -> m.contains("AwsSolutions-"))
          .toList();
    }

    /**
     * The member template of one StackSet, parsed from its TemplateBody, or from the file asset its
     * TemplateURL names when it is too large to go inline.
     */
    JsonNode memberTemplate(String stackSetName) {
      for (JsonNode s :
          JSON.valueToTree(
              template(OrganizationApp.STACK_SETS_STACK)
                  .findResources("AWS::CloudFormation::StackSet"))) {
        if (stackSetName.equals(s.at("/Properties/StackSetName").asText())) {
          try {
            return JSON.readTree(memberTemplateText(s.path("Properties"), outdir));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      }
      throw new AssertionError("no StackSet " + stackSetName);
    }
  }

  private static final java.util.regex.Pattern ASSET_KEY =
      java.util.regex.Pattern.compile("([0-9a-f]{64})\\.json");

  /**
   * A StackSet's member template as the StackSet gets it: its TemplateBody, or the staged file
   * asset (asset.HASH.json in the assembly directory) its TemplateURL points at.
   */
  public static String memberTemplateText(JsonNode stackSetProperties, Path assemblyDir)
      throws IOException {
    if (stackSetProperties.has("TemplateBody")) {
      return stackSetProperties.path("TemplateBody").asText();
    }
    var key = ASSET_KEY.matcher(stackSetProperties.path("TemplateURL").toString());
    if (!key.find()) {
      throw new AssertionError(
          "neither TemplateBody nor an asset TemplateURL: " + stackSetProperties);
    }
    return Files.readString(assemblyDir.resolve("asset." + key.group(1) + ".json"));
  }

  private static Synthesized shared;

  private OrgStacks() {}

  static synchronized Synthesized shared() {
    if (shared == null) {
      shared = synthesize(ORGANIZATION);
    }
    return shared;
  }

  /**
   * The organization app with {@code cdk.json}'s context and this {@code remediator-organization}.
   */
  static Synthesized synthesize(String organization) {
    Map<String, Object> context = new LinkedHashMap<>(cdkJsonContext());
    context.put(OrganizationSettings.KEY, read(organization));
    return synthesize(context);
  }

  static Synthesized synthesize(Map<String, Object> context) {
    Path outdir = tempDir();
    App app = App.Builder.create().context(context).outdir(outdir.toString()).build();
    OrganizationApp.Stacks stacks = OrganizationApp.stacks(app);
    CloudAssembly assembly = app.synth();
    Map<String, Template> templates = new LinkedHashMap<>();
    assembly
        .getStacks()
        .forEach(s -> templates.put(s.getStackName(), Template.fromJSON(asMap(s.getTemplate()))));
    return new Synthesized(app, stacks, assembly, outdir, templates);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object template) {
    return JSON.convertValue(template, Map.class);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> cdkJsonContext() {
    try {
      Map<String, Object> cdkJson =
          JSON.readValue(repoRoot().resolve("cdk.json").toFile(), Map.class);
      Map<String, Object> context =
          new LinkedHashMap<>((Map<String, Object>) cdkJson.getOrDefault("context", Map.of()));
      context.remove(OrganizationSettings.KEY);
      return context;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Object read(String json) {
    try {
      return JSON.readValue(json, Object.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode tree(String json) {
    try {
      return JSON.readTree(json);
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
    throw new IllegalStateException("no cdk.json above " + Path.of("").toAbsolutePath());
  }

  private static Path tempDir() {
    try {
      Path dir = Files.createTempDirectory("remediator-org-synth");
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try (var files = Files.walk(dir)) {
                      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                    } catch (IOException | UncheckedIOException e) {
                      // best effort
                    }
                  }));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Every template the shared organization app deploys, by a name for test reports: each stack of
   * the app (the StackSets stack, one artifact stack per Region) and each StackSet's member
   * template, as {@code member-<StackSetName>}. For the scanners that run on every template
   * (CheckovIT in the parent package).
   */
  public static Map<String, JsonNode> templates() {
    Synthesized s = shared();
    Map<String, JsonNode> templates = new LinkedHashMap<>();
    s.templates().forEach((name, t) -> templates.put(name, JSON.valueToTree(t.toJSON())));
    for (JsonNode stackSet :
        JSON.valueToTree(
            s.template(OrganizationApp.STACK_SETS_STACK)
                .findResources("AWS::CloudFormation::StackSet"))) {
      String name = stackSet.at("/Properties/StackSetName").asText();
      templates.put("member-" + name, s.memberTemplate(name));
    }
    return templates;
  }

  /** The {@code remediator} context of cdk.json, for tests that change one field of it. */
  static Object remediatorContext() {
    return cdkJsonContext().get(AppSettings.REMEDIATOR_KEY);
  }
}
