package io.github.eksnoderemediator.infra.iam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The identity policies of one role in a synthesized CloudFormation template, as IAM would hold
 * them once deployed: the role's inline policies, every {@code AWS::IAM::Policy} attached to it
 * (CDK's default policy) and every customer managed policy ({@code AWS::IAM::ManagedPolicy})
 * attached to it, with CloudFormation's intrinsic functions resolved for the simulated account and
 * Region ({@link IamSimulator#ACCOUNT}, {@link IamSimulator#REGION}).
 *
 * @param role the role's logical id
 * @param documents policy name to policy document
 */
public record RolePolicies(String role, Map<String, JsonNode> documents) {
  public RolePolicies {
    documents = Map.copyOf(documents);
  }

  /**
   * The policies of the one role whose logical id starts with {@code rolePrefix} (CDK appends a
   * hash, for example {@code ImdsPermissionsRole1A2B3C4D}).
   */
  public static RolePolicies fromTemplate(JsonNode template, String rolePrefix) {
    JsonNode resources = template.path("Resources");
    List<String> roles = new ArrayList<>();
    resources
        .fields()
        .forEachRemaining(
            e -> {
              if (e.getKey().startsWith(rolePrefix)
                  && "AWS::IAM::Role".equals(e.getValue().path("Type").asText())) {
                roles.add(e.getKey());
              }
            });
    if (roles.size() != 1) {
      throw new IllegalArgumentException(
          "expected one role whose id starts with " + rolePrefix + ", found " + roles);
    }
    String role = roles.get(0);
    Map<String, JsonNode> documents = new LinkedHashMap<>();
    for (JsonNode p : resources.get(role).path("Properties").path("Policies")) {
      documents.put(p.get("PolicyName").asText(), resolve(p.get("PolicyDocument")));
    }
    resources
        .fields()
        .forEachRemaining(
            e -> {
              JsonNode props = e.getValue().path("Properties");
              String type = e.getValue().path("Type").asText();
              if (("AWS::IAM::Policy".equals(type) || "AWS::IAM::ManagedPolicy".equals(type))
                  && attachedTo(props.path("Roles"), role)) {
                documents.put(e.getKey(), resolve(props.get("PolicyDocument")));
              }
            });
    return new RolePolicies(role, documents);
  }

  /**
   * The same role with one policy document replaced: how the tests break a statement on purpose.
   */
  public RolePolicies with(String policyName, JsonNode document) {
    Map<String, JsonNode> changed = new LinkedHashMap<>(documents);
    changed.put(policyName, document);
    return new RolePolicies(role, changed);
  }

  /** The statement with this Sid, in whichever of the role's policies holds it. */
  public ObjectNode statement(String sid) {
    List<ObjectNode> found = new ArrayList<>();
    documents
        .values()
        .forEach(
            d ->
                statementsOf(d)
                    .forEach(
                        st -> {
                          if (sid.equals(st.path("Sid").asText())) {
                            found.add((ObjectNode) st);
                          }
                        }));
    if (found.size() != 1) {
      throw new IllegalArgumentException(
          "expected one statement " + sid + " in role " + role + ", found " + found.size());
    }
    return found.get(0);
  }

  /**
   * The same role with the statement {@code sid} changed by {@code change}, which gets a copy and
   * returns the statement to put in its place, or null to drop it. How the tests break one
   * statement on purpose; fails when no statement has that Sid, so a mutation cannot silently miss.
   */
  public RolePolicies withStatement(String sid, UnaryOperator<ObjectNode> change) {
    statement(sid);
    RolePolicies changed = this;
    for (var e : documents.entrySet()) {
      ObjectNode document = e.getValue().deepCopy();
      ArrayNode kept = JsonNodeFactory.instance.arrayNode();
      boolean touched = false;
      for (JsonNode st : statementsOf(document)) {
        if (sid.equals(st.path("Sid").asText())) {
          touched = true;
          ObjectNode replaced = change.apply(((ObjectNode) st).deepCopy());
          if (replaced != null) {
            kept.add(replaced);
          }
        } else {
          kept.add(st);
        }
      }
      if (touched) {
        document.set("Statement", kept);
        changed = changed.with(e.getKey(), document);
      }
    }
    return changed;
  }

  /** The same role without the statement {@code sid}. */
  public RolePolicies withoutStatement(String sid) {
    return withStatement(sid, st -> null);
  }

  private static List<JsonNode> statementsOf(JsonNode document) {
    JsonNode statement = document.path("Statement");
    List<JsonNode> list = new ArrayList<>();
    if (statement.isArray()) {
      statement.forEach(list::add);
    } else if (statement.isObject()) {
      list.add(statement);
    }
    return list;
  }

  private static boolean attachedTo(JsonNode roles, String role) {
    for (JsonNode r : roles) {
      if (role.equals(r.path("Ref").asText())) {
        return true;
      }
    }
    return false;
  }

  /** CloudFormation intrinsics → plain values, as they would be in the deployed policy. */
  static JsonNode resolve(JsonNode node) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    if (node.isObject() && node.size() == 1) {
      String fn = node.fieldNames().next();
      JsonNode arg = node.get(fn);
      switch (fn) {
        case "Ref":
          return TextNode.valueOf(ref(arg.asText()));
        case "Fn::GetAtt":
          return TextNode.valueOf(
              "arn:aws:cloudformation:::" + arg.get(0).asText() + "." + arg.get(1).asText());
        case "Fn::Join":
          StringBuilder joined = new StringBuilder();
          JsonNode parts = arg.get(1);
          for (int i = 0; i < parts.size(); i++) {
            if (i > 0) {
              joined.append(arg.get(0).asText());
            }
            joined.append(resolve(parts.get(i)).asText());
          }
          return TextNode.valueOf(joined.toString());
        default:
          break;
      }
    }
    if (node.isObject()) {
      ObjectNode copy = f.objectNode();
      node.fields().forEachRemaining(e -> copy.set(e.getKey(), resolve(e.getValue())));
      return copy;
    }
    if (node.isArray()) {
      ArrayNode copy = f.arrayNode();
      node.forEach(n -> copy.add(resolve(n)));
      return copy;
    }
    return node;
  }

  private static String ref(String name) {
    return switch (name) {
      case "AWS::Partition" -> IamSimulator.PARTITION;
      case "AWS::Region" -> IamSimulator.REGION;
      case "AWS::AccountId" -> IamSimulator.ACCOUNT;
      case "AWS::URLSuffix" -> "amazonaws.com";
      // A resource's Ref (a queue URL, a topic ARN): a stand-in no EC2 or EKS ARN can equal.
      default -> "arn:aws:cloudformation:::" + name;
    };
  }
}
