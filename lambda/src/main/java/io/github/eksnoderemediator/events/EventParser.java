package io.github.eksnoderemediator.events;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.json.Json;
import io.github.eksnoderemediator.json.JsonInputException;
import io.github.eksnoderemediator.json.StrictObject;
import io.github.eksnoderemediator.node.NodeSelector;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.port.InstanceState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Turns raw invocation bytes into an {@link Input}. Pure: no AWS call, no clock, no environment.
 *
 * <p>An object with {@code source} or {@code detail-type} is an EventBridge event; anything else
 * must be a manual payload ({@code instanceId} or {@code instanceIds}, optional {@code dryRun}).
 * EventBridge events are read leniently (AWS adds fields; only what is read is checked), manual
 * payloads strictly (a typo such as {@code dryrun} is an error, not a silent default).
 */
public final class EventParser {
  /** More ids than any real launch reports; a guard against absurd input, not a business limit. */
  static final int MAX_LAUNCHED_IDS = 10_000;

  /** How many instances one manual call may name. */
  static final int MAX_MANUAL_IDS = 1_000;

  private static final String EC2_SOURCE = "aws.ec2";
  private static final String STATE_CHANGE = "EC2 Instance State-change Notification";
  private static final String API_CALL = "AWS API Call via CloudTrail";
  private static final String SCHEDULE_SOURCE = "aws.events";
  private static final String SCHEDULED = "Scheduled Event";
  private static final String RUN_INSTANCES = "RunInstances";
  private static final String CREATE_FLEET = "CreateFleet";
  private static final String MODIFY_METADATA_OPTIONS = "ModifyInstanceMetadataOptions";
  private static final Set<String> INTERFACE_CALLS =
      Set.of("DetachNetworkInterface", "DeleteNetworkInterface", "ModifyNetworkInterfaceAttribute");
  private static final Pattern ATTACHMENT_ID = Pattern.compile("eni-attach-[0-9a-f]{8,17}");
  private static final Set<String> MANUAL_TARGETS =
      Set.of("instanceId", "instanceIds", "cluster", "report", "check");
  private static final Set<String> MANUAL_FIELDS =
      Set.of(
          "instanceId",
          "instanceIds",
          "cluster",
          "nodeGroup",
          "nodegroup",
          "nodePool",
          "nodepool",
          "report",
          "check",
          "dryRun");
  private static final String MANUAL_EXPECTED =
      "expected an EventBridge event or a manual payload with \"instanceId\", \"instanceIds\","
          + " \"cluster\", \"report\" or \"check\"";
  private static final Pattern REPORTS = Pattern.compile("drift|eni-capacity");
  private static final Pattern PERMISSIONS = Pattern.compile("permissions");
  private static final int MAX_PATH_LENGTH = 200;
  private static final int MAX_JSON_ERROR_LENGTH = 300;
  private static final String ID_FORMAT = "an EC2 instance id (i- and 8 or 17 hex digits)";

  private EventParser() {}

  /**
   * Parses one invocation's input.
   *
   * @param document the raw bytes Lambda received
   * @return what arrived: a state change, a launch call, a manual request, or an event that is not
   *     handled (with the reason)
   * @throws InvalidInputException with a one-line message naming the field that is wrong
   */
  public static Input parse(byte[] document) {
    JsonNode root = readJson(document);
    if (!root.isObject()) {
      throw new InvalidInputException(
          "expected a JSON object (an EventBridge event or a manual payload), got "
              + StrictObject.describe(root));
    }
    StrictObject object = StrictObject.of(root, "", EventParser::error);
    return root.has("source") || root.has("detail-type")
        ? parseEvent(object)
        : parseManual(object, fieldNames(root));
  }

  private static JsonNode readJson(byte[] document) {
    if (document == null) {
      throw new InvalidInputException("input is empty");
    }
    try {
      return Json.parse(document, "input");
    } catch (JsonInputException e) {
      throw new InvalidInputException(oneLine(e.getMessage(), MAX_JSON_ERROR_LENGTH));
    }
  }

  private static Input parseEvent(StrictObject event) {
    String eventId = event.text("id", null, null).orElse("");
    String source = requiredText(event, "source");
    String detailType = requiredText(event, "detail-type");
    Optional<StrictObject> detail = event.object("detail");
    if (EC2_SOURCE.equals(source) && STATE_CHANGE.equals(detailType)) {
      return parseStateChange(eventId, detail.orElseThrow(() -> missing(event, "detail")));
    }
    if (EC2_SOURCE.equals(source) && API_CALL.equals(detailType)) {
      return parseApiCall(eventId, detail.orElseThrow(() -> missing(event, "detail")));
    }
    if (SCHEDULE_SOURCE.equals(source) && SCHEDULED.equals(detailType)) {
      return new Input.Scheduled(eventId);
    }
    return new Input.Unsupported(
        eventId,
        "source "
            + StrictObject.abbreviate(source)
            + ", detail type \""
            + StrictObject.abbreviate(detailType)
            + "\" is not handled");
  }

  private static Input parseStateChange(String eventId, StrictObject detail) {
    InstanceId instanceId =
        instanceId(
            detail.node("instance-id").orElseThrow(() -> missing(detail, "instance-id")),
            detail.child("instance-id"));
    String name = requiredText(detail, "state");
    InstanceState state = InstanceState.fromName(name);
    if (state == null) {
      String states =
          Arrays.stream(InstanceState.values())
              .map(InstanceState::ec2Name)
              .collect(Collectors.joining(", "));
      throw detail.fail(
          detail.child("state"),
          "must be one of " + states + ", got \"" + StrictObject.abbreviate(name) + "\"");
    }
    return new Input.StateChange(eventId, instanceId, state);
  }

  private static Input parseApiCall(String eventId, StrictObject detail) {
    String eventName = requiredText(detail, "eventName");
    if (MODIFY_METADATA_OPTIONS.equals(eventName)) {
      return parseMetadataOptionsChange(eventId, detail);
    }
    if (INTERFACE_CALLS.contains(eventName)) {
      return parseInterfaceChange(eventId, eventName, detail);
    }
    if (!RUN_INSTANCES.equals(eventName) && !CREATE_FLEET.equals(eventName)) {
      return new Input.Unsupported(
          eventId, "CloudTrail call " + StrictObject.abbreviate(eventName) + " is not handled");
    }
    // A failed call has errorCode and no responseElements (CloudTrail records RunInstances and
    // CreateFleet alike), so say it failed rather than that it launched nothing.
    Optional<String> errorCode = detail.text("errorCode", null, null);
    if (errorCode.isPresent()) {
      return new Input.LaunchCall(eventId, eventName, List.of(), errorCode);
    }
    LaunchedIds ids = new LaunchedIds(detail.child("responseElements"));
    // Absent containers mean "launched nothing" rather than an error: only present values of the
    // wrong shape are rejected. The state-change rule still sees any instance missed here.
    Optional<StrictObject> response = detail.object("responseElements");
    if (RUN_INSTANCES.equals(eventName)) {
      response.ifPresent(r -> addRunInstancesIds(r, ids));
    } else {
      response.ifPresent(r -> addCreateFleetIds(r, ids));
    }
    return new Input.LaunchCall(
        eventId,
        eventName,
        ids.list(),
        Optional.empty(),
        Optional.of(attribution(detail, eventName, launchTemplates(detail, eventName))));
  }

  /**
   * CloudTrail wraps this call's request in {@code ModifyInstanceMetadataOptionsRequest} (as it
   * does for EC2's newer APIs); the response names the instance too, which a failed call lacks.
   */
  private static Input parseMetadataOptionsChange(String eventId, StrictObject detail) {
    JsonNode request =
        detail
            .node("requestParameters")
            .map(
                r ->
                    r.has("ModifyInstanceMetadataOptionsRequest")
                        ? r.get("ModifyInstanceMetadataOptionsRequest")
                        : r)
            .orElse(com.fasterxml.jackson.databind.node.MissingNode.getInstance());
    String path = detail.child("requestParameters") + ".ModifyInstanceMetadataOptionsRequest";
    JsonNode id = request.path("InstanceId");
    if (id.isMissingNode()) {
      id = request.path("instanceId");
    }
    if (id.isMissingNode()) {
      id =
          detail
              .node("responseElements")
              .map(r -> r.path("ModifyInstanceMetadataOptionsResponse").path("instanceId"))
              .orElse(id);
      path = detail.child("responseElements") + ".ModifyInstanceMetadataOptionsResponse.instanceId";
    }
    if (id.isMissingNode()) {
      throw error(path, "is required (the instance whose options changed)");
    }
    List<String> asked = new ArrayList<>();
    for (String field :
        List.of("HttpTokens", "HttpPutResponseHopLimit", "HttpEndpoint", "InstanceMetadataTags")) {
      JsonNode value = request.path(field);
      if (value.isValueNode()) {
        asked.add(field + " " + text(value));
      }
    }
    return new Input.MetadataOptionsChanged(
        eventId,
        instanceId(id, path + ".InstanceId"),
        attribution(
            detail, MODIFY_METADATA_OPTIONS, asked.isEmpty() ? null : String.join(", ", asked)),
        detail.text("errorCode", null, null));
  }

  /**
   * The launch templates a launch names, as {@code launch template lt-… version 3}, or null. For
   * RunInstances {@code requestParameters.launchTemplate}; for CreateFleet each {@code
   * LaunchTemplateConfigs.LaunchTemplateSpecification} (one object or a list, as the XML-to-JSON
   * conversion gives it).
   */
  private static String launchTemplates(StrictObject detail, String eventName) {
    JsonNode request = detail.node("requestParameters").orElse(null);
    if (request == null) {
      return null;
    }
    List<String> found = new ArrayList<>();
    if (RUN_INSTANCES.equals(eventName)) {
      JsonNode t = request.path("launchTemplate");
      template(t.path("launchTemplateId"), t.path("launchTemplateName"), t.path("version"), found);
    } else {
      JsonNode configs = request.path("CreateFleetRequest").path("LaunchTemplateConfigs");
      for (JsonNode config : configs.isArray() ? configs : List.of(configs)) {
        JsonNode t = config.path("LaunchTemplateSpecification");
        template(
            t.path("LaunchTemplateId"), t.path("LaunchTemplateName"), t.path("Version"), found);
      }
    }
    return found.isEmpty() ? null : String.join(", ", found);
  }

  private static void template(JsonNode id, JsonNode name, JsonNode version, List<String> found) {
    String which = text(id) != null ? text(id) : text(name);
    if (which != null && found.size() < 10) {
      found.add(
          "launch template " + which + (text(version) == null ? "" : " version " + text(version)));
    }
  }

  /**
   * CloudTrail records these calls' requests flat: {@code networkInterfaceId}, {@code
   * attachmentId}.
   */
  private static Input parseInterfaceChange(String eventId, String eventName, StrictObject detail) {
    StrictObject request =
        detail.object("requestParameters").orElseThrow(() -> missing(detail, "requestParameters"));
    Optional<io.github.eksnoderemediator.port.EniId> eni =
        request
            .text(
                "networkInterfaceId",
                Pattern.compile("eni-[0-9a-f]{8,17}"),
                "a network interface id (eni- and 8 or 17 hex digits)")
            .map(io.github.eksnoderemediator.port.EniId::new);
    Optional<String> attachment =
        request.text("attachmentId", ATTACHMENT_ID, "an attachment id (eni-attach-...)");
    if (eni.isEmpty() && attachment.isEmpty()) {
      throw request.fail(
          request.child(
              "DetachNetworkInterface".equals(eventName) ? "attachmentId" : "networkInterfaceId"),
          "is required");
    }
    List<String> asked = new ArrayList<>();
    request.node("groupSet").ifPresent(g -> asked.add("security groups"));
    request.node("sourceDestCheck").ifPresent(g -> asked.add("source/destination check"));
    request.node("attachment").ifPresent(g -> asked.add("attachment (DeleteOnTermination)"));
    request.node("description").ifPresent(g -> asked.add("description"));
    request.node("force").filter(JsonNode::asBoolean).ifPresent(f -> asked.add("forced detach"));
    return new Input.InterfaceChanged(
        eventId,
        eventName,
        eni,
        attachment,
        attribution(detail, eventName, asked.isEmpty() ? null : String.join(", ", asked)),
        detail.text("errorCode", null, null));
  }

  /** Who made a CloudTrail-recorded call; read leniently, since any of it may be missing. */
  static io.github.eksnoderemediator.report.Attribution attribution(
      StrictObject detail, String action, String requested) {
    JsonNode d = detail.node("userIdentity").orElse(null);
    JsonNode identity =
        d == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : d;
    String principal = text(identity.path("arn"));
    String invokedBy = text(identity.path("invokedBy"));
    return new io.github.eksnoderemediator.report.Attribution(
        action,
        principal != null ? principal : invokedBy,
        text(identity.path("type")),
        text(identity.path("sessionContext").path("sessionIssuer").path("arn")),
        detail.node("sourceIPAddress").map(EventParser::text).orElse(null),
        detail.node("userAgent").map(EventParser::text).orElse(null),
        invokedBy,
        detail.node("eventTime").map(EventParser::text).orElse(null),
        requested);
  }

  /** ARNs of assumed-role sessions run past 100 characters: keep them whole, but bounded. */
  private static final int MAX_ATTRIBUTION_LENGTH = 300;

  private static String text(JsonNode value) {
    return value != null && value.isValueNode() && !value.isNull()
        ? oneLine(value.asText(), MAX_ATTRIBUTION_LENGTH)
        : null;
  }

  private static void addRunInstancesIds(StrictObject response, LaunchedIds ids) {
    Optional<StrictObject> instancesSet = response.object("instancesSet");
    if (instancesSet.isEmpty()) {
      return;
    }
    for (StrictObject.Element element : instancesSet.get().array("items", MAX_LAUNCHED_IDS)) {
      StrictObject item = StrictObject.of(element.value(), element.path(), EventParser::error);
      ids.add(
          item.node("instanceId").orElseThrow(() -> missing(item, "instanceId")),
          item.child("instanceId"));
    }
  }

  private static void addCreateFleetIds(StrictObject response, LaunchedIds ids) {
    Optional<StrictObject> fleetInstanceSet =
        xmlObject(response, "CreateFleetResponse").flatMap(r -> xmlObject(r, "fleetInstanceSet"));
    if (fleetInstanceSet.isEmpty()) {
      return;
    }
    for (StrictObject.Element fleetElement : singleOrList(fleetInstanceSet.get(), "item")) {
      StrictObject fleetItem =
          StrictObject.of(fleetElement.value(), fleetElement.path(), EventParser::error);
      Optional<StrictObject> instanceIds = xmlObject(fleetItem, "instanceIds");
      if (instanceIds.isPresent()) {
        for (StrictObject.Element idElement : singleOrList(instanceIds.get(), "item")) {
          ids.add(idElement.value(), idElement.path());
        }
      }
    }
  }

  private static Input parseManual(StrictObject payload, List<String> fieldNames) {
    if (fieldNames.stream().noneMatch(MANUAL_TARGETS::contains)) {
      // Nothing here looks like a manual payload, so "unknown field" would mislead: say what was
      // expected and what arrived (for example an SQS or SNS event sent to the wrong function).
      throw new InvalidInputException(
          MANUAL_EXPECTED
              + (fieldNames.isEmpty()
                  ? ", got an empty object"
                  : ", got fields " + StrictObject.abbreviate(String.join(", ", fieldNames))));
    }
    payload.allowOnly(MANUAL_FIELDS);
    List<String> targets = fieldNames.stream().filter(MANUAL_TARGETS::contains).toList();
    boolean instances = payload.has("instanceId") || payload.has("instanceIds");
    boolean nodes = payload.has("cluster");
    boolean report = payload.has("report");
    boolean check = payload.has("check");
    if ((instances ? 1 : 0) + (nodes ? 1 : 0) + (report ? 1 : 0) + (check ? 1 : 0) != 1
        || (payload.has("instanceId") && payload.has("instanceIds"))) {
      throw payload.fail(
          payload.child(targets.get(targets.size() - 1)),
          "cannot be combined with "
              + targets.get(0)
              + "; give one of instanceId, instanceIds, cluster, report or check");
    }
    boolean dryRun = payload.bool("dryRun").orElse(false);
    if (check) {
      payload.text("check", PERMISSIONS, "\"permissions\" (the only check there is)");
      if (payload.has("dryRun")) {
        throw payload.fail(
            payload.child("dryRun"), "does not apply to a check, which only sends dry runs");
      }
      return new Input.ManualRequest(new Input.ManualRequest.Target.PermissionsCheck(), false);
    }
    if (report) {
      String which =
          payload
              .text(
                  "report",
                  REPORTS,
                  "\"drift\" (the IMDS function's) or \"eni-capacity\" (the ENI function's)")
              .orElseThrow();
      if (payload.has("dryRun")) {
        throw payload.fail(
            payload.child("dryRun"), "does not apply to a report, which never writes");
      }
      return new Input.ManualRequest(
          which.equals("drift")
              ? new Input.ManualRequest.Target.DriftReport()
              : new Input.ManualRequest.Target.EniCapacityReport(),
          false);
    }
    if (nodes) {
      return new Input.ManualRequest(
          new Input.ManualRequest.Target.Nodes(selector(payload)), dryRun);
    }
    if (payload.has("nodeGroup")
        || payload.has("nodegroup")
        || payload.has("nodePool")
        || payload.has("nodepool")) {
      throw payload.fail(payload.child("cluster"), "is required with a node group or node pool");
    }
    if (payload.has("instanceId")) {
      return new Input.ManualRequest(
          List.of(instanceId(payload.node("instanceId").orElseThrow(), "instanceId")), dryRun);
    }
    List<StrictObject.Element> elements = payload.array("instanceIds", MAX_MANUAL_IDS);
    if (elements.isEmpty()) {
      throw payload.fail(payload.child("instanceIds"), "must list at least one instance id");
    }
    Set<InstanceId> ids = new LinkedHashSet<>();
    for (StrictObject.Element element : elements) {
      ids.add(instanceId(element.value(), element.path()));
    }
    return new Input.ManualRequest(List.copyOf(ids), dryRun);
  }

  /**
   * {@code cluster} with an optional {@code nodeGroup} or {@code nodePool}; the all-lowercase
   * spellings EKS's own CLI uses ({@code nodegroup}, {@code nodepool}) are accepted too.
   */
  private static NodeSelector selector(StrictObject payload) {
    String cluster =
        payload.text("cluster", RemediatorConfig.EKS_NAME, "an EKS cluster name").orElseThrow();
    Optional<String> nodeGroup =
        either(payload, "nodeGroup", "nodegroup", RemediatorConfig.EKS_NAME, "a node group name");
    Optional<String> nodePool =
        either(
            payload,
            "nodePool",
            "nodepool",
            RemediatorConfig.K8S_NAME,
            "a Karpenter node pool name");
    if (nodeGroup.isPresent() && nodePool.isPresent()) {
      throw payload.fail(payload.path(), "names both a node group and a node pool; give one");
    }
    return new NodeSelector(cluster, nodeGroup, nodePool);
  }

  private static Optional<String> either(
      StrictObject payload, String field, String alias, Pattern format, String description) {
    if (payload.has(field) && payload.has(alias)) {
      throw payload.fail(payload.child(alias), "repeats " + field + "; give one");
    }
    return payload
        .text(field, format, description)
        .or(() -> payload.text(alias, format, description));
  }

  /**
   * CloudTrail converts EC2's XML responses to JSON, and an empty element such as {@code
   * <fleetInstanceSet/>} becomes {@code ""} rather than being omitted. Treat that like absence.
   */
  private static Optional<StrictObject> xmlObject(StrictObject parent, String field) {
    Optional<JsonNode> value = parent.node(field);
    if (value.isPresent() && value.get().isTextual() && value.get().textValue().isEmpty()) {
      return Optional.empty();
    }
    return parent.object(field);
  }

  /**
   * The same XML-to-JSON conversion turns a repeated {@code <item>} into a list but a lone one into
   * the bare value, so {@code item} is either. A lone value keeps the path without an index.
   */
  private static List<StrictObject.Element> singleOrList(StrictObject parent, String field) {
    Optional<JsonNode> value = parent.node(field);
    if (value.isEmpty()) {
      return List.of();
    }
    if (value.get().isArray()) {
      return parent.array(field, MAX_LAUNCHED_IDS);
    }
    return List.of(new StrictObject.Element(value.get(), parent.child(field)));
  }

  private static InstanceId instanceId(JsonNode value, String path) {
    if (value.isTextual() && InstanceId.isValid(value.textValue())) {
      return new InstanceId(value.textValue());
    }
    String got =
        value.isTextual()
            ? "\"" + StrictObject.abbreviate(value.textValue()) + "\""
            : StrictObject.describe(value);
    throw error(path, "must be " + ID_FORMAT + ", got " + got);
  }

  private static String requiredText(StrictObject object, String field) {
    return object.text(field, null, null).orElseThrow(() -> missing(object, field));
  }

  private static RuntimeException missing(StrictObject parent, String field) {
    return parent.fail(parent.child(field), "is required");
  }

  /**
   * Every field error is built here. Paths are usually ours, but an unknown field's name comes from
   * the input and may be huge or hold a newline; the message must stay one short line.
   */
  private static InvalidInputException error(String path, String problem) {
    return InvalidInputException.at(oneLine(path, MAX_PATH_LENGTH), problem);
  }

  private static String oneLine(String text, int maxLength) {
    String clean = text.replaceAll("\\p{Cntrl}", "?");
    return clean.length() <= maxLength ? clean : clean.substring(0, maxLength - 3) + "...";
  }

  private static List<String> fieldNames(JsonNode object) {
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }

  /** Instance ids of one launch call: validated, in first-seen order, without repeats, capped. */
  private static final class LaunchedIds {
    private final String where;
    private final Set<InstanceId> ids = new LinkedHashSet<>();
    private int seen;

    LaunchedIds(String where) {
      this.where = where;
    }

    void add(JsonNode value, String path) {
      if (++seen > MAX_LAUNCHED_IDS) {
        throw error(
            where, "lists more than " + MAX_LAUNCHED_IDS + " instance ids; refusing to process it");
      }
      ids.add(instanceId(value, path));
    }

    List<InstanceId> list() {
      return List.copyOf(ids);
    }
  }
}
