package io.github.eksnoderemediator.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local AWS Security Hub for the findings calls the IMDS function makes, over the real REST-JSON
 * wire protocol, so the SDK's own client talks to it unchanged. moto (5.2.x) has no
 * BatchUpdateFindings, ignores GetFindings filters and answers findings calls even when Security
 * Hub is not enabled; this fake follows the Security Hub API Reference instead:
 *
 * <ul>
 *   <li>Every findings call in an account where Security Hub is not enabled: HTTP 401 {@code
 *       InvalidAccessException}.
 *   <li>GetFindings ({@code POST /findings}): string filters with {@code EQUALS}, {@code PREFIX}
 *       and {@code CONTAINS}; values of one field are joined by OR, fields by AND; at most 20
 *       values per field and {@code MaxResults} 1 to 100 ({@code InvalidInputException} otherwise);
 *       pages with {@code NextToken}.
 *   <li>BatchUpdateFindings ({@code PATCH /findings/batchupdate}): 1 to 100 identifiers; a finding
 *       that does not exist comes back in {@code UnprocessedFindings} with {@code FindingNotFound};
 *       sets {@code Workflow.Status} (and the older {@code WorkflowState}) and {@code Note} with
 *       {@code UpdatedAt}; a note's text and author at most 512 characters.
 *   <li>ListMembers ({@code GET /members}): query parameters {@code OnlyAssociated} (default {@code
 *       true}: only members whose {@code MemberStatus} is {@code Enabled}; {@code false}: every
 *       existing member), {@code MaxResults} 1 to 50 ({@code InvalidInputException} otherwise) and
 *       {@code NextToken}; members in the order they were added.
 *   <li>BatchImportFindings ({@code POST /findings/import}) and EnableSecurityHub ({@code POST
 *       /accounts}) to set the stage; an imported finding starts {@code NEW} and {@code ACTIVE}.
 * </ul>
 *
 * It also records every request (method and path) and can answer the next calls with throttling.
 */
public final class FakeSecurityHub implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final int MAX_FILTER_VALUES = 20;
  static final int MAX_UPDATE = 100;
  static final int MAX_NOTE = 512;
  static final int MAX_MEMBERS_PAGE = 50;

  private final HttpServer server;
  private final Map<String, ObjectNode> findings = new LinkedHashMap<>();
  private final List<String> requests = new ArrayList<>();
  private final Map<String, String> members = new LinkedHashMap<>();
  private final AtomicInteger throttleNext = new AtomicInteger();
  private boolean enabled;

  private FakeSecurityHub(HttpServer server) {
    this.server = server;
  }

  /** Starts a fake on a free local port, with Security Hub not enabled. */
  public static FakeSecurityHub start() {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      FakeSecurityHub hub = new FakeSecurityHub(server);
      server.createContext("/", hub::handle);
      server.start();
      return hub;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the fake Security Hub", e);
    }
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Enables Security Hub, as EnableSecurityHub would. */
  public synchronized void enable() {
    enabled = true;
  }

  /**
   * Makes this account the administrator of {@code account}, whose relationship has {@code status}
   * ({@code Created}, {@code Invited}, {@code Enabled}, {@code Removed}, {@code Resigned}, {@code
   * Deleted}), as CreateMembers and the member's answer would.
   */
  public synchronized void addMember(String account, String status) {
    members.put(account, status);
  }

  /** The next {@code n} requests are answered HTTP 429 {@code TooManyRequestsException}. */
  public void throttleNext(int n) {
    throttleNext.set(n);
  }

  /** Imports findings as BatchImportFindings would, without a request (test setup). */
  public synchronized void importFindings(ObjectNode... findings) {
    ObjectNode body = JSON.createObjectNode();
    ArrayNode list = body.putArray("Findings");
    for (ObjectNode f : findings) {
      list.add(f);
    }
    importFindings(body);
  }

  /** Sets a finding's workflow status as a person in the console would. */
  public synchronized void setWorkflowStatus(String id, String status) {
    ObjectNode f = findings.get(id);
    ((ObjectNode) f.path("Workflow")).put("Status", status);
    f.put("WorkflowState", status);
  }

  /** Every request so far, as {@code METHOD /path}. */
  public synchronized List<String> requests() {
    return List.copyOf(requests);
  }

  /** A finding as Security Hub holds it now, or null. */
  public synchronized JsonNode finding(String id) {
    ObjectNode f = findings.get(id);
    return f == null ? null : f.deepCopy();
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String call = exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath();
      Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
      JsonNode body;
      byte[] raw = exchange.getRequestBody().readAllBytes();
      body = raw.length == 0 ? JSON.createObjectNode() : JSON.readTree(raw);
      Answer answer;
      synchronized (this) {
        requests.add(call);
        answer = answer(call, query, body);
      }
      byte[] out = JSON.writeValueAsBytes(answer.body());
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      if (answer.error() != null) {
        exchange.getResponseHeaders().add("x-amzn-ErrorType", answer.error());
      }
      exchange.sendResponseHeaders(answer.status(), out.length);
      try (OutputStream os = exchange.getResponseBody()) {
        os.write(out);
      }
    }
  }

  private record Answer(int status, String error, JsonNode body) {
    static Answer ok(JsonNode body) {
      return new Answer(200, null, body);
    }

    static Answer error(int status, String code, String message) {
      ObjectNode body = JSON.createObjectNode();
      body.put("__type", code);
      body.put("Message", message);
      body.put("Code", code);
      return new Answer(status, code, body);
    }
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> query = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return query;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      query.put(
          java.net.URLDecoder.decode(key, StandardCharsets.UTF_8),
          java.net.URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return query;
  }

  private Answer answer(String call, Map<String, String> query, JsonNode body) {
    if (throttleNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      return Answer.error(429, "TooManyRequestsException", "Rate exceeded");
    }
    if (call.equals("POST /accounts")) {
      enabled = true;
      return Answer.ok(JSON.createObjectNode());
    }
    if (!enabled) {
      return Answer.error(
          401,
          "InvalidAccessException",
          "Account " + "123456789012" + " is not subscribed to AWS Security Hub");
    }
    return switch (call) {
      case "POST /findings/import" -> importFindings(body);
      case "POST /findings" -> getFindings(body);
      case "PATCH /findings/batchupdate" -> batchUpdate(body);
      case "GET /members" -> listMembers(query);
      default -> Answer.error(404, "ResourceNotFoundException", "no such operation: " + call);
    };
  }

  private Answer importFindings(JsonNode body) {
    int ok = 0;
    for (JsonNode f : body.path("Findings")) {
      ObjectNode copy = ((ObjectNode) f).deepCopy();
      ObjectNode existing = findings.get(f.path("Id").asText());
      if (existing != null && existing.has("Workflow")) {
        // A provider's update never changes the customer's workflow or note.
        copy.set("Workflow", existing.get("Workflow"));
        copy.set("WorkflowState", existing.get("WorkflowState"));
        if (existing.has("Note")) {
          copy.set("Note", existing.get("Note"));
        }
      }
      if (!copy.has("Workflow")) {
        copy.putObject("Workflow").put("Status", "NEW");
        copy.put("WorkflowState", "NEW");
      }
      if (!copy.has("RecordState")) {
        copy.put("RecordState", "ACTIVE");
      }
      findings.put(f.path("Id").asText(), copy);
      ok++;
    }
    ObjectNode out = JSON.createObjectNode();
    out.put("FailedCount", 0);
    out.put("SuccessCount", ok);
    out.putArray("FailedFindings");
    return Answer.ok(out);
  }

  private Answer getFindings(JsonNode body) {
    int max = body.path("MaxResults").asInt(100);
    if (max < 1 || max > 100) {
      return Answer.error(400, "InvalidInputException", "MaxResults must be from 1 to 100");
    }
    JsonNode filters = body.path("Filters");
    for (Iterator<Map.Entry<String, JsonNode>> it = filters.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      if (field.getValue().size() > MAX_FILTER_VALUES) {
        return Answer.error(
            400,
            "InvalidInputException",
            "Filter " + field.getKey() + " has more than " + MAX_FILTER_VALUES + " values");
      }
    }
    List<ObjectNode> matching = new ArrayList<>();
    for (ObjectNode f : findings.values()) {
      if (matches(f, filters)) {
        matching.add(f);
      }
    }
    int from = body.hasNonNull("NextToken") ? Integer.parseInt(body.get("NextToken").asText()) : 0;
    ObjectNode out = JSON.createObjectNode();
    ArrayNode page = out.putArray("Findings");
    matching.stream().skip(from).limit(max).forEach(page::add);
    if (from + max < matching.size()) {
      out.put("NextToken", String.valueOf(from + max));
    }
    return Answer.ok(out);
  }

  private static boolean matches(ObjectNode f, JsonNode filters) {
    for (Iterator<Map.Entry<String, JsonNode>> it = filters.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      List<String> values = valuesOf(f, field.getKey());
      boolean any = false;
      for (JsonNode filter : field.getValue()) {
        String want = filter.path("Value").asText();
        String comparison = filter.path("Comparison").asText();
        for (String v : values) {
          any |=
              switch (comparison) {
                case "EQUALS" -> v.equals(want);
                case "PREFIX" -> v.startsWith(want);
                case "CONTAINS" -> v.contains(want);
                default -> throw new IllegalArgumentException("comparison " + comparison);
              };
        }
      }
      if (!any) {
        return false;
      }
    }
    return true;
  }

  /** The finding's values for a GetFindings filter field. */
  private static List<String> valuesOf(ObjectNode f, String field) {
    List<String> values = new ArrayList<>();
    switch (field) {
      case "ComplianceSecurityControlId" ->
          values.add(f.path("Compliance").path("SecurityControlId").asText());
      case "ResourceId" -> f.path("Resources").forEach(r -> values.add(r.path("Id").asText()));
      case "ResourceType" -> f.path("Resources").forEach(r -> values.add(r.path("Type").asText()));
      case "RecordState" -> values.add(f.path("RecordState").asText());
      case "WorkflowStatus" -> values.add(f.path("Workflow").path("Status").asText());
      case "GeneratorId" -> values.add(f.path("GeneratorId").asText());
      case "ComplianceStatus" -> values.add(f.path("Compliance").path("Status").asText());
      default -> throw new IllegalArgumentException("the fake does not filter on " + field);
    }
    return values;
  }

  private Answer listMembers(Map<String, String> query) {
    int max;
    try {
      max = Integer.parseInt(query.getOrDefault("MaxResults", String.valueOf(MAX_MEMBERS_PAGE)));
    } catch (NumberFormatException e) {
      return Answer.error(400, "InvalidInputException", "MaxResults must be a number");
    }
    if (max < 1 || max > MAX_MEMBERS_PAGE) {
      return Answer.error(400, "InvalidInputException", "MaxResults must be from 1 to 50");
    }
    String only = query.getOrDefault("OnlyAssociated", "true");
    if (!only.equals("true") && !only.equals("false")) {
      return Answer.error(400, "InvalidInputException", "OnlyAssociated must be true or false");
    }
    List<String> listed = new ArrayList<>();
    for (Map.Entry<String, String> m : members.entrySet()) {
      if (only.equals("false") || m.getValue().equals("Enabled")) {
        listed.add(m.getKey());
      }
    }
    int from;
    try {
      from = Integer.parseInt(query.getOrDefault("NextToken", "0"));
    } catch (NumberFormatException e) {
      return Answer.error(400, "InvalidInputException", "NextToken is not valid");
    }
    ObjectNode out = JSON.createObjectNode();
    ArrayNode page = out.putArray("Members");
    listed.stream()
        .skip(from)
        .limit(max)
        .forEach(
            account -> {
              ObjectNode member = page.addObject();
              member.put("AccountId", account);
              member.put("AdministratorId", "123456789012");
              member.put("MasterId", "123456789012");
              member.put("Email", account + "@example.com");
              member.put("MemberStatus", members.get(account));
              member.put("InvitedAt", "2026-11-27T10:00:00.000Z");
              member.put("UpdatedAt", "2026-11-27T10:00:00.000Z");
            });
    if (from + max < listed.size()) {
      out.put("NextToken", String.valueOf(from + max));
    }
    return Answer.ok(out);
  }

  private Answer batchUpdate(JsonNode body) {
    JsonNode ids = body.path("FindingIdentifiers");
    if (ids.size() < 1 || ids.size() > MAX_UPDATE) {
      return Answer.error(
          400, "InvalidInputException", "FindingIdentifiers must hold 1 to 100 findings");
    }
    JsonNode note = body.path("Note");
    if (!note.isMissingNode()
        && (note.path("Text").asText().isEmpty()
            || note.path("Text").asText().length() > MAX_NOTE
            || note.path("UpdatedBy").asText().isEmpty()
            || note.path("UpdatedBy").asText().length() > MAX_NOTE)) {
      return Answer.error(
          400, "InvalidInputException", "Note needs Text and UpdatedBy of 1 to 512 characters");
    }
    String status = body.path("Workflow").path("Status").asText(null);
    if (status != null && !List.of("NEW", "NOTIFIED", "RESOLVED", "SUPPRESSED").contains(status)) {
      return Answer.error(400, "InvalidInputException", "Workflow.Status " + status);
    }
    ObjectNode out = JSON.createObjectNode();
    ArrayNode processed = out.putArray("ProcessedFindings");
    ArrayNode unprocessed = out.putArray("UnprocessedFindings");
    for (JsonNode id : ids) {
      ObjectNode f = findings.get(id.path("Id").asText());
      if (f == null || !f.path("ProductArn").asText().equals(id.path("ProductArn").asText())) {
        ObjectNode u = unprocessed.addObject();
        u.set("FindingIdentifier", id);
        u.put("ErrorCode", "FindingNotFound");
        u.put("ErrorMessage", "Finding Not Found");
        continue;
      }
      if (status != null) {
        ((ObjectNode) f.path("Workflow")).put("Status", status);
        f.put("WorkflowState", status.equals("NOTIFIED") ? "ASSIGNED" : status);
      }
      if (!note.isMissingNode()) {
        ObjectNode n = f.putObject("Note");
        n.put("Text", note.path("Text").asText());
        n.put("UpdatedBy", note.path("UpdatedBy").asText());
        n.put("UpdatedAt", Instant.now().toString());
      }
      processed.add(id);
    }
    return Answer.ok(out);
  }

  /**
   * An EC2.8 control finding for an instance, as Security Hub writes it with consolidated control
   * findings on, for BatchImportFindings.
   */
  public static ObjectNode ec2_8Finding(String region, String account, String instanceId) {
    String productArn = "arn:aws:securityhub:" + region + "::product/aws/securityhub";
    ObjectNode f = JSON.createObjectNode();
    f.put("SchemaVersion", "2018-10-08");
    f.put(
        "Id",
        "arn:aws:securityhub:"
            + region
            + ":"
            + account
            + ":security-control/EC2.8/finding/"
            + java.util.UUID.nameUUIDFromBytes(instanceId.getBytes(StandardCharsets.UTF_8)));
    f.put("ProductArn", productArn);
    f.put("GeneratorId", "security-control/EC2.8");
    f.put("AwsAccountId", account);
    f.putArray("Types").add("Software and Configuration Checks/Industry and Regulatory Standards");
    f.put("CreatedAt", "2026-11-27T10:00:00.000Z");
    f.put("UpdatedAt", "2026-11-27T10:00:00.000Z");
    f.putObject("Severity").put("Label", "HIGH");
    f.put("Title", "EC2 instances should use Instance Metadata Service Version 2 (IMDSv2)");
    f.put(
        "Description", "This control checks whether your EC2 instance metadata version is IMDSv2.");
    ObjectNode resource = f.putArray("Resources").addObject();
    resource.put("Type", "AwsEc2Instance");
    resource.put("Id", "arn:aws:ec2:" + region + ":" + account + ":instance/" + instanceId);
    resource.put("Partition", "aws");
    resource.put("Region", region);
    ObjectNode compliance = f.putObject("Compliance");
    compliance.put("Status", "FAILED");
    compliance.put("SecurityControlId", "EC2.8");
    return f;
  }
}
