package io.github.eksnoderemediator.infra.release;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.NagPackProps;
import io.github.eksnoderemediator.config.ConfigException;
import io.github.eksnoderemediator.infra.AppSettings;
import io.github.eksnoderemediator.infra.RemediatorApp;
import io.github.eksnoderemediator.infra.RemediatorStack;
import io.github.eksnoderemediator.infra.org.MemberTemplate;
import io.github.eksnoderemediator.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.BootstraplessSynthesizer;
import software.amazon.awscdk.CfnParameter;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.cxapi.SynthesisMessageLevel;
import software.amazon.awscdk.services.lambda.CfnVersion;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.s3.Bucket;

/**
 * The single-account stack as one flat CloudFormation template, for the release bundle ({@code
 * ./dev release}): built by the same {@link RemediatorStack} {@code cdk deploy} deploys, from the
 * same validated settings, with
 *
 * <ul>
 *   <li>the function jar read from S3 at three parameters ({@value #BUCKET}, {@value #KEY}, {@value
 *       #VERSION}) instead of a CDK asset; no other parameter: the configuration is baked in,
 *       because the roles are derived from it;
 *   <li>the bootstrapless synthesizer: no asset parameters, no bootstrap-version rule, so the
 *       account needs no CDK bootstrap;
 *   <li>the deploy-time permissions check as a custom resource served from the same jar
 *       (aws-cdk-lib's trigger provider is an asset; see {@code PermissionsCheck});
 *   <li>no CDKMetadata resource and no construct paths.
 * </ul>
 *
 * <p>Every published function version carries the jar's object version in its description: a
 * version is named after a hash of the function's properties at synth, which here holds only the
 * parameters' names, so without it a new jar would update the function but publish no version for
 * the {@code live} alias (a changed description replaces the version, which publishes a new one).
 *
 * <p>The JSON's object keys are sorted, so the same sources and configuration give the same bytes
 * whatever order a map handed to the CDK iterated in.
 *
 * @param json the template, pretty-printed with sorted keys
 * @param capabilities what {@code aws cloudformation deploy} must be given (CAPABILITY_IAM...)
 * @param findings cdk-nag's unsuppressed errors and warnings, one line each
 */
public record ReleaseTemplate(String json, List<String> capabilities, List<String> findings) {

  public static final String BUCKET = "ArtifactBucket";
  public static final String KEY = "ArtifactKey";
  public static final String VERSION = "ArtifactObjectVersion";

  public ReleaseTemplate {
    capabilities = List.copyOf(capabilities);
    findings = List.copyOf(findings);
  }

  /**
   * Synthesizes the template for one configuration, with cdk-nag's AWS Solutions checks as the CDK
   * app runs them. Findings are returned, not thrown: {@link ReleaseBundle} refuses a template that
   * has any.
   */
  public static ReleaseTemplate synthesize(AppSettings settings) {
    Path outdir;
    try {
      outdir = Files.createTempDirectory("remediator-release");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      App app =
          App.Builder.create()
              .outdir(outdir.toString())
              .context(
                  new TreeMap<>(
                      Map.of(
                          "aws:cdk:enable-path-metadata", false,
                          "aws:cdk:version-reporting", false)))
              .build();
      // The bucket reference needs a stack before the remediator's exists; one outside this app
      // keeps the assembly to the one stack. Its name is a parameter of the remediator's stack.
      Stack codeScope = new Stack();
      Code code =
          Code.fromBucket(
              Bucket.fromBucketName(codeScope, "Artifacts", Fn.ref(BUCKET)),
              Fn.ref(KEY),
              Fn.ref(VERSION));
      RemediatorStack stack =
          new RemediatorStack(
              app,
              RemediatorApp.STACK_NAME,
              new RemediatorStack.Props(
                  StackProps.builder()
                      .description(
                          "EKS Node Remediator: hardens the metadata options of new EKS nodes")
                      .synthesizer(new BootstraplessSynthesizer())
                      .build(),
                  code,
                  settings));
      addParameters(stack);
      versionsFollowTheJar(stack);
      Aspects.of(stack).add(new AwsSolutionsChecks(NagPackProps.builder().verbose(true).build()));
      var artifact = app.synth().getStackByName(RemediatorApp.STACK_NAME);
      List<String> findings =
          artifact.getMessages().stream()
              .filter(m -> m.getLevel() != SynthesisMessageLevel.INFO)
              .map(m -> m.getId() + " " + m.getEntry().getData())
              .filter(m -> m.contains("AwsSolutions-"))
              .toList();
      JsonNode template =
          Json.parse(
              Files.readAllBytes(outdir.resolve(artifact.getTemplateFile())), "the template");
      return new ReleaseTemplate(
          Json.pretty(sorted(template)) + "\n", MemberTemplate.capabilities(template), findings);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      deleteQuietly(outdir);
    }
  }

  /** The template parsed back, for tests and for checking what was written. */
  public JsonNode tree() {
    return Json.parse(json.getBytes(java.nio.charset.StandardCharsets.UTF_8), "template.json");
  }

  private static void addParameters(Stack stack) {
    CfnParameter.Builder.create(stack, BUCKET)
        .type("String")
        .description(
            "The S3 bucket (versioning on, in this Region) that holds remediator.jar; deploy.sh"
                + " uploads it there")
        .allowedPattern("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
        .build();
    CfnParameter.Builder.create(stack, KEY)
        .type("String")
        .description("The key of remediator.jar in ArtifactBucket")
        .minLength(1)
        .build();
    CfnParameter.Builder.create(stack, VERSION)
        .type("String")
        .description(
            "The S3 object version of remediator.jar (what the upload returned): the functions run"
                + " exactly that object")
        .minLength(1)
        .build();
  }

  private static void versionsFollowTheJar(Stack stack) {
    stack.getNode().findAll().stream()
        .filter(c -> c instanceof CfnVersion)
        .map(c -> (CfnVersion) c)
        .forEach(
            v ->
                v.addPropertyOverride(
                    "Description",
                    Fn.join("", List.of("remediator.jar object version ", Fn.ref(VERSION)))));
  }

  /** A copy of {@code node} with every object's fields in name order. */
  static JsonNode sorted(JsonNode node) {
    if (node.isObject()) {
      ObjectNode copy = Json.MAPPER.createObjectNode();
      List<String> names = new ArrayList<>();
      for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
        names.add(it.next());
      }
      names.sort(Comparator.naturalOrder());
      names.forEach(name -> copy.set(name, sorted(node.get(name))));
      return copy;
    }
    if (node.isArray()) {
      var copy = Json.MAPPER.createArrayNode();
      node.forEach(element -> copy.add(sorted(element)));
      return copy;
    }
    return node;
  }

  /**
   * @throws ConfigException when cdk-nag has unsuppressed findings
   */
  void requireNoFindings() {
    if (!findings.isEmpty()) {
      throw ConfigException.of(
          "the release template has unsuppressed cdk-nag findings: " + String.join("; ", findings));
    }
  }

  private static void deleteQuietly(Path dir) {
    try (var files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // a temporary folder left behind is harmless
    }
  }
}
