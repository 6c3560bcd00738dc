package io.github.eksnoderemediator.infra.org;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.NagPackProps;
import io.github.eksnoderemediator.config.ConfigException;
import io.github.eksnoderemediator.infra.AppSettings;
import io.github.eksnoderemediator.infra.DeploymentSettings;
import io.github.eksnoderemediator.infra.RemediatorStack;
import io.github.eksnoderemediator.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.BootstraplessSynthesizer;
import software.amazon.awscdk.CfnMapping;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.cxapi.SynthesisMessageLevel;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.IBucket;

/**
 * The stack every member account and Region gets, as one flat CloudFormation template for a
 * StackSet: built by the same {@link RemediatorStack} the standalone app deploys, from the same
 * validated settings, but
 *
 * <ul>
 *   <li>with the function jar read from the Region's artifact bucket ({@code
 *       <prefix>-${AWS::Region}}) at the key and object version {@code ./dev upload} printed,
 *       instead of a CDK asset: StackSets cannot publish assets into member accounts;
 *   <li>with a synthesizer that adds no asset parameters and no bootstrap-version rule: members are
 *       never CDK-bootstrapped;
 *   <li>without the deploy-time permissions check, whose trigger provider is itself a CDK asset.
 * </ul>
 *
 * <p>The key and the version ids are written into the template, not passed as parameters: the
 * function's published version is named after a hash of its properties at synth, so a new jar must
 * change the template for Lambda to publish a new version the live alias can point at.
 *
 * @param json the template, compact, as it goes into the StackSet (TemplateBody, or TemplateURL
 *     when larger than that allows)
 * @param capabilities what CloudFormation must be told the template does (CAPABILITY_IAM...)
 */
public record MemberTemplate(String json, List<String> capabilities) {

  /** CloudFormation's limit for a template passed inline as TemplateBody (CreateStackSet). */
  public static final int TEMPLATE_BODY_MAX_BYTES = 51_200;

  /** CloudFormation's limit for a template read from S3 (TemplateURL). */
  public static final int TEMPLATE_URL_MAX_BYTES = 1_048_576;

  static final String STACK_NAME = "EksNodeRemediatorMember";

  /** The resource types that need CAPABILITY_IAM, and the name property that makes it NAMED_IAM. */
  static final Map<String, String> IAM_TYPES =
      Map.of(
          "AWS::IAM::Role", "RoleName",
          "AWS::IAM::Policy", "",
          "AWS::IAM::ManagedPolicy", "ManagedPolicyName",
          "AWS::IAM::InstanceProfile", "InstanceProfileName",
          "AWS::IAM::User", "UserName",
          "AWS::IAM::Group", "GroupName",
          "AWS::IAM::AccessKey", "",
          "AWS::IAM::UserToGroupAddition", "");

  public int bytes() {
    return json.getBytes(StandardCharsets.UTF_8).length;
  }

  /**
   * Synthesizes the member template for one configuration, with cdk-nag's AWS Solutions checks as
   * the standalone app runs them.
   *
   * @param settings the validated {@code remediator} and {@code remediator-deployment} context
   * @throws ConfigException when cdk-nag reports an unsuppressed finding or the template is too
   *     large for a StackSet
   */
  public static MemberTemplate synthesize(
      AppSettings settings,
      OrganizationSettings organization,
      OrganizationSettings.FunctionJar jar) {
    Path outdir;
    try {
      outdir = Files.createTempDirectory("remediator-member");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      // No construct paths and no CDKMetadata resource: bytes count against TemplateBody's limit.
      // Set after the CLI's context, which turns both on for every App in the process: context
      // given to an App gives way to the CLI's, postCliContext does not.
      Map<String, Object> memberContext = new LinkedHashMap<>();
      memberContext.put("aws:cdk:enable-path-metadata", false);
      memberContext.put("aws:cdk:version-reporting", false);
      App app =
          App.Builder.create()
              .outdir(outdir.toString())
              .postCliContext(memberContext)
              .analyticsReporting(false)
              .build();
      // The permissions check's trigger provider is a CDK asset, which StackSets cannot publish.
      DeploymentSettings member = settings.deployment().withoutPermissionsCheckOnDeploy();
      // The bucket reference needs a stack to live in before the member stack exists; one of its
      // own, outside this app, keeps the member assembly to the one stack.
      Stack codeScope = new Stack();
      RemediatorStack stack =
          new RemediatorStack(
              app,
              STACK_NAME,
              new RemediatorStack.Props(
                  StackProps.builder()
                      .description(
                          "EKS Node Remediator (organization deployment): hardens the metadata"
                              + " options of new EKS nodes in this account and Region")
                      .synthesizer(new BootstraplessSynthesizer())
                      .build(),
                  code(codeScope, organization, jar),
                  new AppSettings(settings.remediatorJson(), settings.remediator(), member)));
      addJarVersions(stack, jar);
      Aspects.of(stack).add(new AwsSolutionsChecks(NagPackProps.builder().verbose(true).build()));
      var assembly = app.synth();
      var artifact = assembly.getStackByName(STACK_NAME);
      List<String> errors =
          artifact.getMessages().stream()
              .filter(m -> m.getLevel() == SynthesisMessageLevel.ERROR)
              .map(m -> m.getId() + " " + m.getEntry().getData())
              .toList();
      if (!errors.isEmpty()) {
        throw ConfigException.of(
            "the member template has unsuppressed findings: " + String.join("; ", errors));
      }
      JsonNode template = Json.MAPPER.valueToTree(artifact.getTemplate());
      MemberTemplate result = new MemberTemplate(Json.compact(template), capabilities(template));
      if (result.bytes() > TEMPLATE_URL_MAX_BYTES) {
        throw ConfigException.of(
            "the member template is "
                + result.bytes()
                + " bytes; CloudFormation reads at most "
                + TEMPLATE_URL_MAX_BYTES
                + " from S3. Fewer ENI profiles or clusters keep it smaller");
      }
      return result;
    } finally {
      deleteQuietly(outdir);
    }
  }

  /**
   * The jar in this Region's artifact bucket. The bucket's name is resolved in the member's Region
   * ({@code ${AWS::Region}}): Lambda reads code only from a bucket in the function's own Region.
   */
  private static Code code(
      Stack scope, OrganizationSettings organization, OrganizationSettings.FunctionJar jar) {
    IBucket bucket =
        Bucket.fromBucketName(
            scope,
            "Artifacts",
            Fn.join("-", List.of(organization.artifactBucketPrefix(), Aws.REGION)));
    return Code.fromBucket(
        bucket, jar.key(), Fn.findInMap(JAR_MAPPING, Aws.REGION, VERSION_ATTRIBUTE));
  }

  static final String JAR_MAPPING = "FunctionJarVersions";
  static final String VERSION_ATTRIBUTE = "ObjectVersion";

  /** Each Region's object version of the jar, which differs from bucket to bucket. */
  private static void addJarVersions(Stack stack, OrganizationSettings.FunctionJar jar) {
    Map<String, Map<String, Object>> byRegion = new java.util.TreeMap<>();
    jar.versions()
        .forEach((region, version) -> byRegion.put(region, Map.of(VERSION_ATTRIBUTE, version)));
    CfnMapping.Builder.create(stack, JAR_MAPPING).mapping(byRegion).build();
  }

  /**
   * What CloudFormation needs acknowledged (CreateStackSet's Capabilities): IAM resources need
   * CAPABILITY_IAM, named ones CAPABILITY_NAMED_IAM, macros and transforms CAPABILITY_AUTO_EXPAND.
   */
  public static List<String> capabilities(JsonNode template) {
    Set<String> capabilities = new TreeSet<>();
    template
        .path("Resources")
        .forEach(
            resource -> {
              String nameProperty = IAM_TYPES.get(resource.path("Type").asText());
              if (nameProperty != null) {
                capabilities.add("CAPABILITY_IAM");
                if (!nameProperty.isEmpty() && resource.path("Properties").has(nameProperty)) {
                  capabilities.add("CAPABILITY_NAMED_IAM");
                }
              }
            });
    if (template.has("Transform")) {
      capabilities.add("CAPABILITY_AUTO_EXPAND");
    }
    return new ArrayList<>(capabilities);
  }

  private static void deleteQuietly(Path dir) {
    try (var files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // a temporary folder left behind is harmless
    }
  }

  /** For messages: the capabilities as CloudFormation spells them, comma separated. */
  String capabilitiesText() {
    return capabilities.stream().collect(Collectors.joining(","));
  }
}
