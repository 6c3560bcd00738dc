package io.github.eksnoderemediator.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awscdk.assertions.Template;

/**
 * Gates on the synthesized roles, whatever the constructs say: no EC2 write without a tag condition
 * (or exact resource ARNs), and neither function's role holding the other's writes.
 */
class SecurityGatesTest {
  private static final Pattern READ = Pattern.compile("[a-z0-9-]+:(Describe|Get|List)[A-Za-z]*");
  private static final Pattern TAG_CONDITION =
      Pattern.compile("(aws|ec2):(ResourceTag|RequestTag)/.+|ec2:CreateAction");

  /** Every Allow statement of every role, by role logical id (inline and attached policies). */
  private static Map<String, List<JsonNode>> allowsByRole(Template template) {
    Map<String, List<JsonNode>> byRole = new LinkedHashMap<>();
    template
        .findResources("AWS::IAM::Role")
        .forEach(
            (id, role) ->
                TestStacks.JSON
                    .valueToTree(role)
                    .at("/Properties/Policies")
                    .forEach(p -> add(byRole, id, p.at("/PolicyDocument/Statement"))));
    template
        .findResources("AWS::IAM::Policy")
        .values()
        .forEach(
            resource -> {
              JsonNode policy = TestStacks.JSON.valueToTree(resource);
              policy
                  .at("/Properties/Roles")
                  .forEach(
                      role ->
                          add(
                              byRole,
                              role.path("Ref").asText(),
                              policy.at("/Properties/PolicyDocument/Statement")));
            });
    return byRole;
  }

  private static void add(Map<String, List<JsonNode>> byRole, String role, JsonNode statements) {
    statements.forEach(
        s -> {
          if ("Allow".equals(s.path("Effect").asText())) {
            byRole.computeIfAbsent(role, k -> new ArrayList<>()).add(s);
          }
        });
  }

  private static List<String> list(JsonNode node) {
    List<String> out = new ArrayList<>();
    if (node.isArray()) {
      node.forEach(n -> out.add(n.isTextual() ? n.asText() : n.toString()));
    } else if (!node.isMissingNode()) {
      out.add(node.isTextual() ? node.asText() : node.toString());
    }
    return out;
  }

  private static Set<String> conditionKeys(JsonNode statement) {
    Set<String> keys = new HashSet<>();
    statement
        .path("Condition")
        .forEach(operator -> operator.fieldNames().forEachRemaining(keys::add));
    return keys;
  }

  @ParameterizedTest
  @ValueSource(strings = {"defaults", "clusters", "eni", "eniClusters"})
  void everyEc2WriteAllow_hasATagConditionOrExactResources(String stack) {
    allowsByRole(TestStacks.named(stack).assertions())
        .forEach(
            (role, statements) -> {
              for (JsonNode s : statements) {
                boolean ec2Write =
                    list(s.path("Action")).stream()
                        .anyMatch(a -> a.startsWith("ec2:") && !READ.matcher(a).matches());
                if (!ec2Write) {
                  continue;
                }
                boolean tagged =
                    conditionKeys(s).stream().anyMatch(k -> TAG_CONDITION.matcher(k).matches());
                boolean exact = list(s.path("Resource")).stream().noneMatch(r -> r.contains("*"));
                assertThat(tagged || exact || participatesInATaggedCreate(s, statements))
                    .as(
                        "%s in role %s grants an EC2 write without a tag condition: %s",
                        stack, role, s)
                    .isTrue();
              }
            });
  }

  /**
   * CreateNetworkInterface is authorized against the new interface and against the subnet and
   * security groups it uses. The subnet and group statements cannot carry the request-tag condition
   * (IAM does not evaluate aws:RequestTag on those resource types), so they are acceptable only
   * alongside a network-interface statement for the same action that requires our ownership request
   * tag: without that tag, no interface can be created at all.
   */
  private static boolean participatesInATaggedCreate(JsonNode s, List<JsonNode> roleStatements) {
    boolean participation =
        list(s.path("Action")).equals(List.of("ec2:CreateNetworkInterface"))
            && list(s.path("Resource")).stream()
                .allMatch(r -> r.contains(":subnet/") || r.contains(":security-group/"));
    boolean taggedInterfaces =
        roleStatements.stream()
            .anyMatch(
                o ->
                    list(o.path("Action")).contains("ec2:CreateNetworkInterface")
                        && list(o.path("Resource")).stream()
                            .anyMatch(r -> r.contains(":network-interface/"))
                        && conditionKeys(o)
                            .contains("aws:RequestTag/eks-node-remediator/eni-profile"));
    return participation && taggedInterfaces;
  }

  /**
   * Under a reading where EC2 does not supply a key, a negated operator ({@code StringNotEquals},
   * {@code ArnNotLike}, ...) matches; a Deny built on one must therefore require the key present
   * with {@code Null: false}, or it refuses every call. And no statement may test the {@code
   * ec2:MetadataHttp*} keys, whose meaning for ModifyInstanceMetadataOptions AWS does not document
   * (docs/iam.md, "Three readings").
   */
  @ParameterizedTest
  @ValueSource(strings = {"defaults", "clusters", "eni", "eniClusters"})
  void everyNegatedDenyIsNullGuarded_andNoStatementTestsTheUndocumentedMetadataKeys(String stack) {
    List<JsonNode> statements = new ArrayList<>();
    TestStacks.named(stack)
        .template()
        .path("Resources")
        .forEach(
            r -> {
              r.at("/Properties/Policies")
                  .forEach(p -> p.at("/PolicyDocument/Statement").forEach(statements::add));
              r.at("/Properties/PolicyDocument/Statement").forEach(statements::add);
            });

    assertThat(statements).isNotEmpty();
    for (JsonNode s : statements) {
      assertThat(conditionKeys(s))
          .as("%s in %s", s, stack)
          .noneMatch(k -> k.startsWith("ec2:MetadataHttp"));
      if (!"Deny".equals(s.path("Effect").asText())) {
        continue;
      }
      s.path("Condition")
          .properties()
          .forEach(
              op -> {
                if (op.getKey().contains("Not") || op.getKey().endsWith("IfExists")) {
                  op.getValue()
                      .fieldNames()
                      .forEachRemaining(
                          key ->
                              assertThat(s.at("/Condition/Null").path(key).asText())
                                  .as("Null guard on %s in %s (%s)", key, s, stack)
                                  .isEqualTo("false"));
                }
              });
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"eni", "eniClusters"})
  void neitherRoleHoldsTheOthersWriteActions(String stack) {
    Map<String, Set<String>> writes = new LinkedHashMap<>();
    allowsByRole(TestStacks.named(stack).assertions())
        .forEach(
            (role, statements) ->
                statements.forEach(
                    s ->
                        list(s.path("Action")).stream()
                            .filter(a -> a.startsWith("ec2:") && !READ.matcher(a).matches())
                            .forEach(
                                a -> writes.computeIfAbsent(role, k -> new HashSet<>()).add(a))));
    assertThat(writes).as("two roles with EC2 writes").hasSize(2);
    List<Set<String>> sets = new ArrayList<>(writes.values());
    Set<String> shared = new HashSet<>(sets.get(0));
    shared.retainAll(sets.get(1));
    assertThat(shared).as("EC2 write actions both roles hold").isEmpty();
  }
}
