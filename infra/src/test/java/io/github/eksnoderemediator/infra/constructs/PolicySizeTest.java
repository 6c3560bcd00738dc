package io.github.eksnoderemediator.infra.constructs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.github.eksnoderemediator.config.ConfigException;
import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.infra.AppSettings;
import io.github.eksnoderemediator.infra.RemediatorApp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.services.lambda.Code;

/**
 * The synth-time size check is honest: it measures every statement the IMDS role gets (the value
 * denies included), and at the largest configuration it accepts, the deployed role's policies (its
 * inline policy and CDK's grants, with ARNs as long as any partition and Region make them) still
 * fit IAM's 10,240 characters.
 */
class PolicySizeTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int IAM_LIMIT = 10_240;

  /** What a CDK resource's ARN attribute can be at most here (a log group or queue ARN). */
  private static final String LONG_ATTRIBUTE = "x".repeat(150);

  private static Path dir;

  @BeforeAll
  static void stubCode() throws IOException {
    dir = Files.createTempDirectory("policy-size");
  }

  @AfterAll
  static void clean() throws IOException {
    try (var files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }

  /** Every cluster name 40 characters, every hop limit allowed (the largest deny), endpoint set. */
  private static String remediator(int clusters) {
    String names =
        IntStream.rangeClosed(1, clusters)
            .mapToObj(i -> "\"" + String.format("cluster-%032d", i) + "\"")
            .collect(Collectors.joining(","));
    return "{\"clusters\": ["
        + names
        + "], \"imds\": {\"hopLimit\": {\"min\": 1, \"max\": 64}, \"httpEndpoint\": \"enabled\"}}";
  }

  private static int measured(int clusters) {
    RemediatorConfig config = RemediatorConfig.parse(remediator(clusters), "test");
    return PolicySize.of(
        ImdsPermissions.statements(config, PolicySize.LONGEST_ARN_PREFIX + "instance/*"));
  }

  @Test
  void theLargestAcceptedImdsRole_fitsIamsLimit_withItsDeniesAndCdksGrants() throws Exception {
    int most = 1;
    while (measured(most + 1) <= PolicySize.BUDGET) {
      most++;
    }

    JsonNode template = synthesize(most);
    String role = roleId(template);
    int deployed = 0;
    int inline = 0;
    for (var e : template.path("Resources").properties()) {
      JsonNode props = e.getValue().path("Properties");
      if (e.getKey().equals(role)) {
        for (JsonNode p : props.path("Policies")) {
          inline = size(resolve(p.get("PolicyDocument")));
          deployed += inline;
        }
      } else if ("AWS::IAM::Policy".equals(e.getValue().path("Type").asText())
          && props.path("Roles").toString().contains("\"" + role + "\"")) {
        deployed += size(resolve(props.get("PolicyDocument")));
      }
    }

    System.out.printf(
        "policy size: %d clusters accepted; measured %d, inline %d, with CDK's grants %d of %d%n",
        most, measured(most), inline, deployed, IAM_LIMIT);
    assertThat(most).as("clusters that fit").isGreaterThan(5);
    assertThat(measured(most)).as("the check's measure").isGreaterThanOrEqualTo(inline);
    assertThat(inline).as("the inline policy with the longest ARNs").isGreaterThan(8_000);
    assertThat(deployed).as("every policy of the role").isLessThanOrEqualTo(IAM_LIMIT);
    int oneMore = most + 1;
    assertThatThrownBy(() -> synthesize(oneMore)).isInstanceOf(ConfigException.class);
  }

  private JsonNode synthesize(int clusters) throws IOException {
    Path out = Files.createTempDirectory(dir, "out");
    App app =
        App.Builder.create()
            .context(
                Map.of(
                    AppSettings.REMEDIATOR_KEY, JSON.readValue(remediator(clusters), Object.class)))
            .outdir(out.toString())
            .build();
    RemediatorApp.stack(app, "Big", Code.fromAsset(code().toString()));
    app.synth();
    return JSON.readTree(out.resolve("Big.template.json").toFile());
  }

  private static Path code() throws IOException {
    Path code = dir.resolve("code");
    Files.createDirectories(code);
    Files.writeString(code.resolve("README"), "stub");
    return code;
  }

  private static String roleId(JsonNode template) {
    List<String> ids =
        template.path("Resources").properties().stream()
            .filter(e -> e.getKey().startsWith("ImdsPermissionsRole"))
            .filter(e -> "AWS::IAM::Role".equals(e.getValue().path("Type").asText()))
            .map(Map.Entry::getKey)
            .toList();
    assertThat(ids).hasSize(1);
    return ids.get(0);
  }

  /** As IAM counts: the JSON without whitespace. */
  private static int size(JsonNode document) throws IOException {
    return JSON.writeValueAsString(document).replaceAll("\\s", "").length();
  }

  /** Intrinsics resolved to the longest values any deployment can give them. */
  private static JsonNode resolve(JsonNode node) {
    if (node.isObject() && node.size() == 1) {
      String fn = node.fieldNames().next();
      JsonNode arg = node.get(fn);
      switch (fn) {
        case "Ref":
          return TextNode.valueOf(
              switch (arg.asText()) {
                case "AWS::Partition" -> "aws-iso-b";
                case "AWS::Region" -> "us-isob-east-1";
                case "AWS::AccountId" -> "123456789012";
                default -> LONG_ATTRIBUTE;
              });
        case "Fn::GetAtt":
          return TextNode.valueOf(LONG_ATTRIBUTE);
        case "Fn::Join":
          StringBuilder joined = new StringBuilder();
          for (int i = 0; i < arg.get(1).size(); i++) {
            if (i > 0) {
              joined.append(arg.get(0).asText());
            }
            joined.append(resolve(arg.get(1).get(i)).asText());
          }
          return TextNode.valueOf(joined.toString());
        default:
          break;
      }
    }
    if (node.isObject()) {
      ObjectNode copy = JsonNodeFactory.instance.objectNode();
      node.properties().forEach(e -> copy.set(e.getKey(), resolve(e.getValue())));
      return copy;
    }
    if (node.isArray()) {
      var copy = JsonNodeFactory.instance.arrayNode();
      node.forEach(n -> copy.add(resolve(n)));
      return copy;
    }
    return node;
  }

  @org.junit.jupiter.api.Test
  void securityHubPolicy_fitsAManagedPolicysLimit_withTheLongestHubArn() {
    int size =
        PolicySize.of(
            ImdsPermissions.securityHubStatements(
                PolicySize.LONGEST_ARN_PREFIX.replace(":ec2:", ":securityhub:") + "hub/default"));

    // IAM allows 6,144 characters (whitespace excluded) for a customer managed policy.
    org.assertj.core.api.Assertions.assertThat(size).isBetween(3_000, 6_144 - 500);
  }
}
