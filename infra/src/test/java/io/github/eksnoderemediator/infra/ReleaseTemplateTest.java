package io.github.eksnoderemediator.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.eksnoderemediator.json.Json;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The release bundle's template.json is the CDK app's stack, resource for resource: the only
 * differences are where the code comes from (parameters instead of an asset; the versions' names
 * and descriptions that follow from it) and the permissions check's trigger, whose provider is a
 * CDK asset and becomes a custom resource served by the check function from the same jar.
 */
class ReleaseTemplateTest {

  /** A published version's logical id ends in a hash of the function's properties at synth. */
  private static final Pattern VERSION_HASH =
      Pattern.compile("(CurrentVersion[0-9A-F]{8})[0-9a-f]{32}");

  private static final Set<String> IAM_TYPES =
      Set.of("AWS::IAM::Role", "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy");

  private static final String RESOURCE_HANDLER =
      "io.github.eksnoderemediator.handler.PermissionsCheckResourceHandler::handleRequest";

  @ParameterizedTest(name = "{1} against {0}")
  @CsvSource({"defaults, release", "eniAsApp, releaseEni"})
  void releaseTemplate_hasTheCdkStacksResources_apartFromTheCodeAndTheTrigger(
      String cdkStack, String releaseStack) {
    Map<String, JsonNode> cdk = resources(TestStacks.named(cdkStack).template());
    Map<String, JsonNode> release = resources(TestStacks.named(releaseStack).template());

    List<String> triggers = ofType(cdk, "Custom::Trigger");
    List<String> checks = ofType(release, "Custom::PermissionsCheck");
    assertThat(checks).hasSameSizeAs(triggers).isNotEmpty();
    cdk.keySet()
        .removeIf(
            id ->
                triggers.contains(id)
                    || id.startsWith("AWSCDKTriggerCustomResourceProvider")
                    || id.equals("CDKMetadata"));
    release.keySet().removeAll(checks);

    assertThat(release.keySet()).containsExactlyElementsOf(cdk.keySet());
    for (String id : cdk.keySet()) {
      JsonNode expected = withoutCodeLocation(cdk.get(id));
      JsonNode actual = withoutCodeLocation(release.get(id));
      if (id.contains("PermissionsCheckFunction")
          && expected.path("Type").asText().equals("AWS::Lambda::Function")) {
        // The check function serves the custom resource; the check it runs is a property of it.
        String checkHandler = ((ObjectNode) expected.get("Properties")).remove("Handler").asText();
        assertThat(((ObjectNode) actual.get("Properties")).remove("Handler").asText())
            .isEqualTo(RESOURCE_HANDLER);
        assertThat(checks)
            .anySatisfy(
                c ->
                    assertThat(release(releaseStack, c).path("CheckHandler").asText())
                        .isEqualTo(checkHandler));
      }
      assertThat(actual).as(id).isEqualTo(expected);
    }
  }

  @ParameterizedTest(name = "{1} against {0}")
  @CsvSource({"defaults, release", "eniAsApp, releaseEni"})
  void releaseTemplate_hasTheSameRoles_byteForByte(String cdkStack, String releaseStack) {
    Map<String, JsonNode> cdk = resources(TestStacks.named(cdkStack).template());
    Map<String, JsonNode> release = resources(TestStacks.named(releaseStack).template());

    Map<String, String> cdkIam = iam(cdk);
    cdkIam.keySet().removeIf(id -> id.startsWith("AWSCDKTriggerCustomResourceProvider"));

    assertThat(cdkIam).isNotEmpty();
    assertThat(iam(release)).isEqualTo(cdkIam);
  }

  @ParameterizedTest
  @CsvSource({"release", "releaseEni"})
  void releaseTemplate_takesOnlyTheJarsLocation_andNeedsNoBootstrap(String stack) {
    JsonNode template = TestStacks.named(stack).template();

    assertThat(names(template.path("Parameters")))
        .containsExactly("ArtifactBucket", "ArtifactKey", "ArtifactObjectVersion");
    assertThat(template.has("Rules")).as("no bootstrap-version rule").isFalse();
    assertThat(template.toString()).doesNotContain("cdk-hnb659fds").doesNotContain("aws:asset");
    template
        .path("Resources")
        .forEach(
            r -> {
              if (r.path("Type").asText().equals("AWS::Lambda::Function")) {
                assertThat(r.path("Properties").path("Code"))
                    .isEqualTo(
                        Json.parse(
                            """
                            {"S3Bucket": {"Ref": "ArtifactBucket"},
                             "S3Key": {"Ref": "ArtifactKey"},
                             "S3ObjectVersion": {"Ref": "ArtifactObjectVersion"}}
                            """
                                .getBytes(java.nio.charset.StandardCharsets.UTF_8),
                            "code"));
              }
              if (r.path("Type").asText().equals("AWS::Lambda::Version")) {
                // A new jar changes the description, which replaces the version: a new one is
                // published and the live alias moves to it.
                assertThat(r.path("Properties").path("Description").toString())
                    .contains("{\"Ref\":\"ArtifactObjectVersion\"}");
              }
              if (r.path("Type").asText().equals("Custom::PermissionsCheck")) {
                // Re-run when the jar or the configuration changes, as the trigger is.
                assertThat(names(r.path("Properties")))
                    .containsExactly(
                        "CheckFunctionVersion", "CheckHandler", "ServiceTimeout", "ServiceToken");
              }
            });
  }

  private static JsonNode release(String stack, String id) {
    return TestStacks.named(stack).template().path("Resources").path(id).path("Properties");
  }

  /** The resources with version hashes taken out of ids and references, keyed in order. */
  private static Map<String, JsonNode> resources(JsonNode template) {
    String text = VERSION_HASH.matcher(template.path("Resources").toString()).replaceAll("$1");
    JsonNode resources = Json.parse(text.getBytes(java.nio.charset.StandardCharsets.UTF_8), "t");
    Map<String, JsonNode> byId = new TreeMap<>();
    resources.fields().forEachRemaining(e -> byId.put(e.getKey(), e.getValue().deepCopy()));
    return byId;
  }

  private static List<String> ofType(Map<String, JsonNode> resources, String type) {
    List<String> ids = new ArrayList<>();
    resources.forEach(
        (id, r) -> {
          if (r.path("Type").asText().equals(type)) {
            ids.add(id);
          }
        });
    return ids;
  }

  /**
   * The resource without what says where the code is: a function's Code, a version's Description,
   * the CDK's asset and construct-path metadata.
   */
  private static JsonNode withoutCodeLocation(JsonNode resource) {
    ObjectNode copy = resource.deepCopy();
    String type = copy.path("Type").asText();
    if (type.equals("AWS::Lambda::Function")) {
      ((ObjectNode) copy.get("Properties")).remove("Code");
    }
    if (type.equals("AWS::Lambda::Version")) {
      ((ObjectNode) copy.get("Properties")).remove("Description");
    }
    if (copy.get("Metadata") instanceof ObjectNode metadata) {
      metadata.remove(
          List.of("aws:cdk:path", "aws:asset:path", "aws:asset:is-bundled", "aws:asset:property"));
      if (metadata.isEmpty()) {
        copy.remove("Metadata");
      }
    }
    return copy;
  }

  /** The IAM resources as sorted, pretty JSON: equal strings are equal bytes in either file. */
  private static Map<String, String> iam(Map<String, JsonNode> resources) {
    Map<String, String> iam = new TreeMap<>();
    resources.forEach(
        (id, r) -> {
          if (IAM_TYPES.contains(r.path("Type").asText())) {
            iam.put(id, Json.pretty(sorted(withoutCodeLocation(r))));
          }
        });
    return iam;
  }

  private static JsonNode sorted(JsonNode node) {
    if (node.isObject()) {
      ObjectNode copy = Json.MAPPER.createObjectNode();
      names(node).forEach(n -> copy.set(n, sorted(node.get(n))));
      return copy;
    }
    if (node.isArray()) {
      var copy = Json.MAPPER.createArrayNode();
      node.forEach(e -> copy.add(sorted(e)));
      return copy;
    }
    return node;
  }

  private static Set<String> names(JsonNode node) {
    Set<String> names = new TreeSet<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    return names;
  }
}
