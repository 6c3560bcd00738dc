package io.github.eksnoderemediator.infra;

import io.github.eksnoderemediator.json.StrictObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The scheduled end-to-end canary (opt-in): {@code remediator-deployment.verify} in {@code
 * cdk.json}. When present, a small function of its own runs the canary on this schedule, with a
 * role that can launch only canary-tagged instances of these types in this subnet.
 *
 * @param schedule an EventBridge schedule expression, e.g. {@code rate(1 day)}
 * @param subnetId the subnet the canary instance runs in
 * @param instanceTypes the types the role may launch; the canary launches the first
 * @param cluster the cluster the canary instance is tagged as a node of (one the remediator covers)
 */
public record VerifySettings(
    String schedule, String subnetId, List<String> instanceTypes, String cluster) {
  static final Set<String> FIELDS = Set.of("schedule", "subnetId", "instanceTypes", "cluster");

  /** {@code rate(N unit)} or {@code cron(...)}, as EventBridge accepts them. */
  static final Pattern SCHEDULE =
      Pattern.compile(
          "rate\\((1 (minute|hour|day)|([2-9]|[1-9]\\d+) (minutes|hours|days))\\)|cron\\([^()]+\\)");

  static final Pattern SUBNET = Pattern.compile("subnet-[0-9a-f]{8,17}");
  static final Pattern INSTANCE_TYPE = Pattern.compile("[a-z][a-z0-9-]*\\.[a-z0-9]+");
  static final Pattern CLUSTER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,99}");
  static final int MAX_TYPES = 5;

  public VerifySettings {
    instanceTypes = List.copyOf(instanceTypes);
    if (instanceTypes.isEmpty()) {
      throw new IllegalArgumentException("verify needs at least one instance type");
    }
  }

  /** Reads the {@code verify} object; one line naming the first field that is wrong. */
  static VerifySettings parse(StrictObject o) {
    o.allowOnly(FIELDS);
    String schedule =
        o.text("schedule", SCHEDULE, "an EventBridge schedule such as rate(1 day)")
            .orElseThrow(() -> o.fail(o.child("schedule"), "is required, e.g. rate(1 day)"));
    String subnet =
        o.text("subnetId", SUBNET, "a subnet id (subnet-...)")
            .orElseThrow(
                () -> o.fail(o.child("subnetId"), "is required: the subnet the canary runs in"));
    List<String> types = new ArrayList<>();
    for (StrictObject.Element e : o.array("instanceTypes", MAX_TYPES)) {
      if (!e.value().isTextual() || !INSTANCE_TYPE.matcher(e.value().textValue()).matches()) {
        throw o.fail(e.path(), "must be an instance type such as t4g.nano, got " + describeOf(e));
      }
      if (types.contains(e.value().textValue())) {
        throw o.fail(e.path(), "repeats " + e.value().textValue());
      }
      types.add(e.value().textValue());
    }
    if (types.isEmpty()) {
      if (o.has("instanceTypes")) {
        throw o.fail(o.child("instanceTypes"), "needs at least one instance type");
      }
      types.add(DEFAULT_INSTANCE_TYPE);
    }
    String cluster =
        o.text("cluster", CLUSTER, "an EKS cluster name")
            .orElseThrow(
                () ->
                    o.fail(
                        o.child("cluster"),
                        "is required: a cluster the remediator covers, the canary's node is"
                            + " tagged as one of its nodes"));
    return new VerifySettings(schedule, subnet, types, cluster);
  }

  /** The cheapest current-generation type (Graviton); the canary's default too. */
  static final String DEFAULT_INSTANCE_TYPE = "t4g.nano";

  private static String describeOf(StrictObject.Element e) {
    return StrictObject.describe(e.value());
  }
}
